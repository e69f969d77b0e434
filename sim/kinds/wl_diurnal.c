/* wl_diurnal.c: a non-homogeneous Poisson process whose rate follows a
 * periodic piecewise-linear profile. `profile` lists (time of day, rate)
 * points, times strictly increasing in [0, period_s); the rate is linear
 * between consecutive points and, across the period's end, between the
 * last point and the first point + period_s (so a single point is a
 * constant rate). period_s defaults to a day, 86400 s.
 *
 * Exact: thinning (Lewis-Shedler) against each segment's own maximum M
 * (the larger of its two end rates). Candidates are Poisson at M from the
 * current time; one at t inside the segment is kept with probability
 * rate(t) / M; one past the segment's end is dropped and the clock moves
 * to the end, where the next segment's M applies (memorylessness makes
 * this exact). The state keeps a pointer to the current segment, so the
 * cost is O(1) amortized per arrival (at most 2 candidates per arrival on
 * average where the rate is positive, plus one step per segment) and
 * nothing is allocated per arrival.
 */
#include <gsl/gsl_randist.h>
#include <stdlib.h>

#include "ifile.h"
#include "kinds.h"

#define MAXPTS 100000 /* profile points (one per second of a day fits) */

typedef struct cfg {
  wl_tokens tok; /* first: WL_TOKEN_KEYS */
  double period_s;
  size_t n;     /* profile points */
  double *u;    /* [n + 1] knot times: the points', then the first + period_s */
  double *r;    /* [n + 1] rates at the knots (r[n] = r[0]), per second */
  double daily; /* the integral of the rate over one period: requests */
} cfg;

typedef struct state {
  double t;   /* the clock: the last candidate or segment end, seconds */
  double day; /* index of the current period (-1 before the first point) */
  size_t i;   /* the current segment: [day P + u[i], day P + u[i + 1]) */
} state;

#define OFF(m) offsetof(cfg, m)

static const key_row TIME = KEY_NUM("profile[][0]", 0, 0, SCN_MAX_DURATION_S, 0, NULL, "");
static const key_row RATE = KEY_NUM("profile[][1]", 0, 0, 1e9, 0, NULL, "");

static void cfg_free(void *p) {
  cfg *k = p;
  free(k->u); /* u and r are one block */
  k->u = k->r = NULL;
  wl_tokens_free(p);
}

static int get_point(kctx *c, const cJSON *v, const char *path, cfg *k, size_t i) {
  char p[520];
  if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2) {
    char got[96];
    key_count_text(v, got, sizeof got);
    return key_fail(c, path, "must be a pair [time of day in seconds, rate per second], got %s",
                    got);
  }
  snprintf(p, sizeof p, "%s[0]", path);
  if (key_number(c, p, v->child, &TIME, &k->u[i]))
    return c->e->code;
  snprintf(p, sizeof p, "%s[1]", path);
  return key_number(c, p, v->child->next, &RATE, &k->r[i]) ? c->e->code : 0;
}

static int get_profile(kctx *c, const cJSON *v, const char *path, const key_row *row, char *b) {
  (void)row;
  cfg *k = (cfg *)b;
  int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
  if (n < 1 || n > MAXPTS) {
    char got[96];
    key_count_text(v, got, sizeof got);
    return key_fail(c, path, "must be an array of 1 to %d [time, rate] pairs, got %s", MAXPTS, got);
  }
  free(k->u);
  if (!(k->u = malloc(2 * ((size_t)n + 1) * sizeof *k->u)))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  k->r = k->u + n + 1;
  k->n = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, v) {
    char p[512];
    snprintf(p, sizeof p, "%s[%zu]", path, k->n);
    if (get_point(c, it, p, k, k->n))
      return c->e->code;
    k->n++;
  }
  return 0;
}

static const key_row KEYS[] = {
    KEY_FUNC("profile", 0, get_profile, K_REQ, NULL, "array",
             "[[time of day s, rate /s], ...]: sorted, linear between points, periodic"),
    KEY_NUM("period_s", OFF(period_s), 1, SCN_MAX_DURATION_S, 0, "86400",
            "length of the profile's period, seconds (a day)"),
    WL_TOKEN_KEYS, KEY_END};

/* Times in [0, period_s), strictly increasing; a rate > 0; then the
 * closing knot and the period's integral. */
static int check(kctx *c, void *p, const char *path) {
  cfg *k = p;
  char at[512];
  double top = 0;
  for (size_t i = 0; i < k->n; i++) {
    snprintf(at, sizeof at, "%s.profile[%zu][0]", path, i);
    if (k->u[i] >= k->period_s)
      return key_fail(c, at, "must be < period_s (%.15g), got %.15g", k->period_s, k->u[i]);
    if (i && k->u[i] <= k->u[i - 1])
      return key_fail(c, at,
                      "must be greater than the previous point's time (%.15g), got %.15g (the "
                      "profile is sorted by time of day)",
                      k->u[i - 1], k->u[i]);
    top = fmax(top, k->r[i]);
  }
  key_join(at, sizeof at, path, "profile");
  if (!(top > 0))
    return key_fail(c, at, "must have at least one rate > 0, got all 0");
  k->u[k->n] = k->u[0] + k->period_s;
  k->r[k->n] = k->r[0];
  k->daily = 0;
  for (size_t i = 0; i < k->n; i++)
    k->daily += (k->r[i] + k->r[i + 1]) / 2 * (k->u[i + 1] - k->u[i]);
  return 0;
}

/* The integral over [lo, hi] of the line through (a, ra), (b, rb),
 * restricted to [a, b]. */
static double piece(double a, double b, double ra, double rb, double lo, double hi) {
  double x = fmax(a, lo), y = fmin(b, hi);
  if (!(y > x))
    return 0;
  double fx = ra + (rb - ra) * (x - a) / (b - a), fy = ra + (rb - ra) * (y - a) / (b - a);
  return (fx + fy) / 2 * (y - x);
}

/* E N(T) exactly: whole periods, then the part [0, x) of one period
 * (which starts inside the last segment, shifted back a period). */
static double expected(const void *p, double duration_s) {
  const cfg *k = p;
  double periods = floor(duration_s / k->period_s), x = duration_s - periods * k->period_s;
  double sum = piece(k->u[k->n - 1] - k->period_s, k->u[0], k->r[k->n - 1], k->r[0], 0, x);
  for (size_t i = 0; i < k->n; i++)
    sum += piece(k->u[i], k->u[i + 1], k->r[i], k->r[i + 1], 0, x);
  return periods * k->daily + sum;
}

static int validate(kctx *c, const scn *s, void *p) {
  const cfg *k = p;
  double segs = ceil(s->duration_s / k->period_s + 1) * (double)k->n; /* steps are work too */
  if (segs > SCN_MAX_REQUESTS)
    return key_fail(
        c, "workload.profile",
        "gives %.3g segments in duration_s (%.15g); at most %.3g are allowed in one run", segs,
        s->duration_s, SCN_MAX_REQUESTS);
  return scn_check_requests(c, "workload.profile", expected(k, s->duration_s), s->duration_s);
}

static int init(wl *w) {
  const cfg *k = w->cfg;
  state *st = w->st;
  if (k->u[0] > 0) /* time 0 lies in the last segment of the period before */
    st->day = -1, st->i = k->n - 1;
  return 0;
}

static double next(wl *w, wl_arrival *a) {
  const cfg *k = w->cfg;
  state *st = w->st;
  for (;;) {
    size_t i = st->i;
    double base = st->day * k->period_s;
    double lo = base + k->u[i], hi = base + k->u[i + 1];
    double top = fmax(k->r[i], k->r[i + 1]);
    if (top > 0) {
      double t = st->t + rng_exponential(w->r, 1 / top);
      if (t < hi) {
        st->t = t;
        double rate = k->r[i] + (k->r[i + 1] - k->r[i]) * (t - lo) / (hi - lo);
        if (rng_u01(w->r) * top < rate) {
          wl_draw_tokens(w, &k->tok, a);
          return t;
        }
        continue;
      }
    }
    st->t = hi; /* the segment ends: the next one from its start */
    if (hi >= w->s->duration_s)
      return INFINITY;
    if (++st->i == k->n)
      st->i = 0, st->day++;
  }
}

const wl_ops wl_diurnal = {
    .h = {"diurnal", "Poisson with a periodic piecewise-linear rate profile (thinning)", KEYS,
          sizeof(cfg), check, cfg_free},
    .validate = validate,
    .classes = wl_tokens_classes,
    .expected = expected,
    .state_size = sizeof(state),
    .init = init,
    .next = next,
};
