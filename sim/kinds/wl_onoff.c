/* wl_onoff.c: an on/off source. The source alternates between on periods,
 * exponential with mean on_mean_s, and off periods, exponential with mean
 * off_mean_s; while on it sends Poisson arrivals at rate_per_s, while off
 * none. It starts on, off, or in its stationary state (on with probability
 * on_mean_s / (on_mean_s + off_mean_s), drawn from the workload stream).
 *
 * Exact: competing exponentials. The next arrival is a fresh exponential
 * gap from the current time; if it falls after the period's end, the
 * source switches state at that end and draws again (memorylessness makes
 * the redraw exact). One exponential per arrival, one per period.
 */
#include <gsl/gsl_randist.h>

#include "kinds.h"

enum { START_ON, START_OFF, START_STATIONARY };
static const char *const START_NAMES[] = {"on", "off", "stationary", NULL};

typedef struct cfg {
  wl_tokens tok; /* first: WL_TOKEN_KEYS */
  double rate_per_s, on_mean_s, off_mean_s;
  int start; /* START_* */
} cfg;

typedef struct state {
  double t;        /* the process's clock: the last arrival or switch, seconds */
  double t_switch; /* end of the current period, seconds */
  int on;
} state;

#define OFF(m) offsetof(cfg, m)

/* Means below a microsecond would switch faster than double time can
 * advance over a year's horizon. */
static const key_row KEYS[] = {
    KEY_NUM("rate_per_s", OFF(rate_per_s), 0, 1e9, K_REQ | K_LOX, NULL,
            "arrival rate while on, requests per second"),
    KEY_NUM("on_mean_s", OFF(on_mean_s), 1e-6, SCN_MAX_DURATION_S, K_REQ, NULL,
            "mean on period (exponential), seconds"),
    KEY_NUM("off_mean_s", OFF(off_mean_s), 1e-6, SCN_MAX_DURATION_S, K_REQ, NULL,
            "mean off period (exponential), seconds"),
    KEY_ENUM("start", OFF(start), START_NAMES, 0, "\"on\"",
             "state at time 0: \"on\", \"off\" or \"stationary\" (on w.p. on/(on+off))"),
    WL_TOKEN_KEYS,
    KEY_END};

/* E[N(T)] exactly: P(on at t) = p + (s0 - p) e^(-c t), p = on/(on+off),
 * c = 1/on + 1/off, s0 = P(on at 0). */
static double expected(const void *p, double duration_s) {
  const cfg *k = p;
  double pon = k->on_mean_s / (k->on_mean_s + k->off_mean_s);
  double c = 1 / k->on_mean_s + 1 / k->off_mean_s;
  double s0 = k->start == START_ON ? 1 : k->start == START_OFF ? 0 : pon;
  return k->rate_per_s * (pon * duration_s + (s0 - pon) * -expm1(-c * duration_s) / c);
}

static int validate(kctx *c, const scn *s, void *p) {
  const cfg *k = p;
  /* periods are work too: bound them like arrivals */
  double periods = 2 * s->duration_s / (k->on_mean_s + k->off_mean_s) + 1;
  if (periods > SCN_MAX_REQUESTS)
    return key_fail(c, "workload.on_mean_s",
                    "gives about %.3g on/off periods in duration_s (%.15g); at most %.3g are "
                    "allowed in one run",
                    periods, s->duration_s, SCN_MAX_REQUESTS);
  return scn_check_requests(c, "workload.rate_per_s", expected(k, s->duration_s), s->duration_s);
}

static int init(wl *w) {
  const cfg *k = w->cfg;
  state *st = w->st;
  double pon = k->on_mean_s / (k->on_mean_s + k->off_mean_s);
  st->on = k->start == START_ON || (k->start == START_STATIONARY && rng_u01(w->r) < pon);
  st->t_switch = rng_exponential(w->r, st->on ? k->on_mean_s : k->off_mean_s);
  return 0;
}

static double next(wl *w, wl_arrival *a) {
  const cfg *k = w->cfg;
  state *st = w->st;
  for (;;) {
    if (st->on) {
      double t = st->t + rng_exponential(w->r, 1.0 / k->rate_per_s);
      if (t < st->t_switch) {
        st->t = t;
        wl_draw_tokens(w, &k->tok, a);
        return t;
      }
    }
    st->t = st->t_switch;
    if (st->t >= w->s->duration_s)
      return INFINITY;
    st->on = !st->on;
    st->t_switch = st->t + rng_exponential(w->r, st->on ? k->on_mean_s : k->off_mean_s);
  }
}

const wl_ops wl_onoff = {
    .h = {"onoff", "Poisson at rate_per_s during exponential on periods, none during off periods",
          KEYS, sizeof(cfg), NULL, wl_tokens_free},
    .validate = validate,
    .classes = wl_tokens_classes,
    .expected = expected,
    .state_size = sizeof(state),
    .init = init,
    .next = next,
};
