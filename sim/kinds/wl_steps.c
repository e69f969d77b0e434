/* wl_steps.c: the paper's workload. At each step start t0 = k * step_s each
 * of `users` users is active with probability p (p_active, or
 * burst.p_active when (t0 mod burst.every_s) < burst.length_s) and sends
 * one request at a time uniform in [t0, t0 + step_s). Generated as
 * N ~ Binomial(users, p) and N sorted uniforms drawn in increasing order
 * (the minimum of m uniforms on [u, 1) is u + (1 - u)(1 - V^(1/m))), the
 * same distribution in O(1) memory per step.
 */
#include <gsl/gsl_randist.h>
#include <math.h>

#include "kinds.h"

typedef struct cfg {
  wl_tokens tok; /* first: WL_TOKEN_KEYS */
  uint64_t users;
  double step_s, p_active;
  int has_burst;
  double burst_every_s, burst_length_s, burst_p_active;
} cfg;

typedef struct state {
  uint64_t step; /* index of the current step */
  uint64_t left; /* arrivals still to come in the current step */
  double u;      /* last sorted uniform of the step, in [0, 1) */
  int started;
} state;

#define OFF(m) offsetof(cfg, m)

static const key_row BURST_KEYS[] = {
    KEY_NUM("every_s", OFF(burst_every_s), 0, INFINITY, K_REQ | K_LOX, NULL,
            "period of bursts, seconds"),
    KEY_NUM("length_s", OFF(burst_length_s), 0, INFINITY, K_REQ, NULL,
            "burst length at the start of each period, seconds (<= every_s)"),
    KEY_NUM("p_active", OFF(burst_p_active), 0, 1, K_REQ, NULL,
            "probability a user is active in a step that starts inside a burst"),
    KEY_END};

static const key_row KEYS[] = {
    KEY_INT("users", OFF(users), 1, SCN_MAX_USERS, K_REQ, NULL, "number of users"),
    KEY_NUM("step_s", OFF(step_s), 0, SCN_MAX_DURATION_S, K_LOX, "60",
            "step length, seconds (<= duration_s)"),
    KEY_NUM("p_active", OFF(p_active), 0, 1, K_REQ, NULL,
            "probability a user sends one request in a step"),
    KEY_OBJ("burst", OFF(has_burst), BURST_KEYS, 0, NULL,
            "bursts of higher activity (absent: steady)"),
    WL_TOKEN_KEYS,
    KEY_END};

static int check(kctx *c, void *p, const char *path) {
  cfg *k = p;
  char at[512];
  key_join(at, sizeof at, path, "burst.length_s");
  if (k->has_burst && k->burst_length_s > k->burst_every_s)
    return key_fail(c, at, "must be <= %s.burst.every_s (%.15g), got %.15g", path, k->burst_every_s,
                    k->burst_length_s);
  return 0;
}

static double steps_in(const cfg *k, double duration_s) { return ceil(duration_s / k->step_s); }

static double expected(const void *p, double duration_s) {
  const cfg *k = p;
  double pa = k->p_active;
  if (k->has_burst && k->burst_p_active > pa)
    pa = k->burst_p_active;
  return (double)k->users * pa * steps_in(k, duration_s);
}

static int validate(kctx *c, const scn *s, void *p) {
  cfg *k = p;
  if (k->step_s > s->duration_s)
    return key_fail(c, "workload.step_s", "must be <= duration_s (%.15g), got %.15g", s->duration_s,
                    k->step_s);
  double steps = steps_in(k, s->duration_s);
  if (steps > SCN_MAX_STEPS)
    return key_fail(c, "workload.step_s",
                    "gives %.15g steps in duration_s (%.15g); at most %.15g steps are allowed",
                    steps, s->duration_s, SCN_MAX_STEPS);
  return scn_check_requests(c, "workload.users", expected(k, s->duration_s), s->duration_s);
}

static double step_p(const cfg *k, double t0) {
  if (k->has_burst && fmod(t0, k->burst_every_s) < k->burst_length_s)
    return k->burst_p_active;
  return k->p_active;
}

static double next(wl *w, wl_arrival *a) {
  const cfg *k = w->cfg;
  state *st = w->st;
  while (st->left == 0) { /* start the next step that has arrivals */
    if (st->started)
      st->step++;
    st->started = 1;
    double t0 = (double)st->step * k->step_s;
    if (t0 >= w->s->duration_s)
      return INFINITY;
    st->left = gsl_ran_binomial(w->r, step_p(k, t0), (unsigned)k->users);
    st->u = 0;
  }
  /* Next order statistic of `left` uniforms on [u, 1). */
  double v = rng_u01_pos(w->r);
  st->u += (1 - st->u) * (1 - pow(v, 1.0 / (double)st->left));
  if (st->u >= 1)
    st->u = nextafter(1.0, 0.0);
  st->left--;
  wl_draw_tokens(w, &k->tok, a);
  return ((double)st->step + st->u) * k->step_s; /* >= duration_s: the rest is later still */
}

static double step_s(const void *p) { return ((const cfg *)p)->step_s; }

const wl_ops wl_steps = {
    .h = {"steps", "the paper's users in time steps, with optional bursts", KEYS, sizeof(cfg),
          check, wl_tokens_free},
    .validate = validate,
    .classes = wl_tokens_classes,
    .step_s = step_s,
    .expected = expected,
    .state_size = sizeof(state),
    .next = next,
};
