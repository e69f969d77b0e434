/* adapt.c: the adaptive window (adapt.h): the keys and their rules, the
 * log of an adaptive device (a limiter row), and the controller. */
#include "adapt.h"

#include <math.h>
#include <stdlib.h>

#include "ifile.h"
#include "kinds.h"
#include "ring.h"
#include "run.h"
#include "svc.h"
#include "window.h"

#define OFF(f) offsetof(scn_lim, adapt.f)

/* A number in (0, 1), both ends open (the binder's rows close the top). */
static int open_unit(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
  if (!(x > 0 && x < 1)) { /* NaN too */
    char got[96];
    ifile_describe(v, got, sizeof got);
    return key_fail(c, path, "must be a number in (0, 1), got %s", got);
  }
  *(double *)(b + r->off) = x;
  return 0;
}

const key_row ADAPT_KEYS[] = {
    KEY_FUNC("target_rejected", OFF(target_rejected), open_unit, 0, NULL, "number",
             "fraction of the requests offered to the device that it refuses, in (0, 1)"),
    KEY_NUM("target_utilization", OFF(target_utilization), 0, 1, K_LOX, NULL,
            "time-average busy slots / slots, in (0, 1]"),
    KEY_NUM("gain", OFF(gain), 0, 1000, K_LOX, "1", "controller gain (> 0, <= 1000)"),
    KEY_NUM("interval_s", OFF(interval_s), 1e-3, SCN_MAX_DURATION_S, 0, NULL,
            "control interval, seconds (>= 0.001; default: window_s)"),
    KEY_NUM("w_min_s", OFF(w_min_s), 1e-3, SCN_MAX_DURATION_S, K_REQ, NULL,
            "smallest window, seconds (>= 0.001, <= window_s)"),
    KEY_NUM("w_max_s", OFF(w_max_s), 1e-3, SCN_MAX_DURATION_S, K_REQ, NULL,
            "largest window, seconds (>= window_s, <= duration_s)"),
    KEY_END};

/* ---- rules ------------------------------------------------------------------ */

static int check_one(kctx *c, const scn *s, const scn_device *d, const scn_lim *l,
                     const char *lpath) {
  const lim_adapt *a = &l->adapt;
  char p[600];
  key_join(p, sizeof p, lpath, "adapt");
  if (l->ops != &lim_sliding_window)
    return key_fail(c, p, "only with limiter kind 'sliding_window', got '%s'", l->ops->h.name);
  if ((a->target_rejected > 0) == (a->target_utilization > 0))
    return key_fail(c, p, "needs exactly one of target_rejected and target_utilization, got %s",
                    a->target_rejected > 0 ? "both" : "neither");
  char q[640];
  if (a->w_min_s > l->window_s)
    return key_join(q, sizeof q, p, "w_min_s"),
           key_fail(c, q, "must be <= window_s (%.15g), got %.15g", l->window_s, a->w_min_s);
  if (a->w_max_s < l->window_s || a->w_max_s > s->duration_s)
    return key_join(q, sizeof q, p, "w_max_s"),
           key_fail(c, q, "must be >= window_s (%.15g) and <= duration_s (%.15g), got %.15g",
                    l->window_s, s->duration_s, a->w_max_s);
  if (d && a->target_utilization > 0 && d->has_failure)
    return snprintf(q, sizeof q, "devices[%zu].failure", (size_t)(d - s->dev)),
           key_fail(c, q, "not with adapt.target_utilization on its limiter (yet)");
  return 0;
}

int adapt_check_scn(kctx *c, scn *s) {
  if (s->lim.adapt.has && check_one(c, s, NULL, &s->lim, "limiter"))
    return c->e->code;
  for (size_t i = 0; i < s->ndev; i++) {
    scn_device *d = &s->dev[i];
    char p[64] = "limiter";
    if (d->own_lim)
      snprintf(p, sizeof p, "devices[%zu].limiter", i);
    if (d->lim.adapt.has && check_one(c, s, d, &d->lim, p))
      return c->e->code;
    if (d->lim.adapt.has && d->lim.adapt.interval_s == 0)
      d->lim.adapt.interval_s = d->lim.window_s;
  }
  if (s->lim.adapt.has && s->lim.adapt.interval_s == 0) /* for --keys/report readers */
    s->lim.adapt.interval_s = s->lim.window_s;
  return 0;
}

/* ---- the log of one adaptive device ----------------------------------------- */

typedef struct aw_ent {
  double a;     /* admission time, seconds */
  uint64_t tok; /* tokens admitted */
} aw_ent;

/* Invariant after advance(t): ring[head .. head + n) holds the admissions
 * with a + w_max > t (and possibly older ones before `cur`), oldest first;
 * entries from index cur on (counted from head) are those with a + W > t,
 * and sum is their tokens. */
typedef struct adw {
  aw_ent *ring; /* capacity cap, a power of two */
  size_t head, n, cap, cur;
  uint64_t sum;         /* tokens in (t - W, t]; used = min(sum, C) */
  const lim_adapt *cfg; /* scenario-owned */
  uint32_t dev;         /* the one member */
  /* the controller's observation since the interval started at t0 */
  double t0;
  uint64_t admitted, refused, none0; /* none0: adapt_run.none at t0 */
  uint64_t qstarted;                 /* of the admissions, starts from its queue */
  double area, area_t;               /* busy slot-seconds in [t0, area_t) */
  /* I(t) = ∫_0^t dt / W: inv at inv_t, W constant since */
  double inv, inv_t, inv_from, inv_ts;
  int from_set;
  double from;
  uint64_t k; /* the next control instant is (k + 1) interval_s */
} adw;

static void set_used(lim_grp *g, adw *s) {
  dev *d = &g->devs[s->dev];
  d->used = s->sum < d->cap_tokens ? s->sum : d->cap_tokens;
}

static const aw_ent *cent(const adw *s, size_t j) { return &s->ring[(s->head + j) & (s->cap - 1)]; }
static aw_ent *ent(adw *s, size_t j) { return (aw_ent *)cent(s, j); }

/* Busy slot-seconds up to t with `inflight` requests since s->area_t (the
 * device's inflight before it changes at t). */
static void busy_to(adw *s, uint32_t inflight, double t) {
  s->area += (double)inflight * (t - s->area_t);
  s->area_t = t;
}

static int aw_init(lim_grp *g) {
  adw *s = g->st;
  const scn_lim *l = g->cfg;
  s->cfg = &l->adapt;
  s->dev = g->members[0];
  s->cap = 64;
  return (s->ring = malloc(s->cap * sizeof *s->ring)) ? 0 : -1;
}

static void aw_destroy(lim_grp *g) {
  adw *s = g->st;
  if (s)
    free(s->ring);
}

static void aw_advance(lim_grp *g, double t) {
  adw *s = g->st;
  while (s->cur < s->n && ent(s, s->cur)->a + g->w <= t) {
    s->sum -= ent(s, s->cur)->tok;
    s->cur++;
    set_used(g, s);
    g->on_drop(g->ctx, s->dev, ent(s, s->cur - 1)->a + g->w); /* its leave time */
  }
  while (s->cur > 0 && ent(s, 0)->a + s->cfg->w_max_s <= t) {
    s->head = (s->head + 1) & (s->cap - 1);
    s->n--, s->cur--;
  }
}

/* Doubles the ring, unrolling it (oldest first at 0). */
static int grow(adw *s) {
  if (s->n >= WIN_MAX_ENTRIES)
    return -1;
  aw_ent *r = ring_doubled(s->ring, sizeof *r, s->head, s->n, s->cap, 64);
  if (!r)
    return -1;
  s->ring = r, s->head = 0, s->cap *= 2; /* 64 at first (setup) */
  return 0;
}

static int aw_admit(lim_grp *g, uint32_t i, uint64_t tok, double t) {
  adw *s = g->st;
  if (s->n == s->cap && grow(s))
    return -1;
  busy_to(s, g->devs[i].inflight, t); /* inflight before this admission */
  *ent(s, s->n++) = (aw_ent){t, tok};
  s->sum += tok;
  s->admitted++;
  set_used(g, s);
  return 0;
}

/* limiter.h's ready_at with the current W: entry j leaves at a_j + W (the
 * double aw_advance compares, so the first at which it has left), so the
 * head fits once the oldest entries up to the first j whose successors hold
 * at most C - k tokens have left. O(entries in the window), once per
 * blocked head (and per control change). */
static double aw_ready_at(const lim_grp *g, uint32_t i, uint64_t k, double t) {
  const adw *s = g->st;
  uint64_t cap = g->devs[i].cap_tokens, sum = s->sum;
  if (k > cap)
    return INFINITY;
  if (sum + k <= cap)
    return t;
  size_t j = s->cur;
  while (sum + k > cap) /* ends by j = n at the latest: sum 0 then */
    sum -= cent(s, j++)->tok;
  return cent(s, j - 1)->a + g->w;
}

const lim_ops lim_adaptive_window = {
    .h = {"sliding_window", "sliding_window with limiter.adapt (one group per device)", NULL, 0,
          NULL, NULL},
    .init = aw_init,
    .destroy = aw_destroy,
    .advance = aw_advance,
    .admit = aw_admit,
    .ready_at = aw_ready_at,
    .state_size = sizeof(adw),
};

/* I(t) for t at or after the last change. */
static double inv_at(const adw *s, double w, double t) { return s->inv + (t - s->inv_t) / w; }

/* W <- w at t: the window becomes (t - w, t]; entries come back into it
 * (W grew) or leave it (W shrank). */
static void set_w(lim_grp *g, adw *s, double w, double t) {
  if (!s->from_set && s->from <= t)
    s->inv_from = inv_at(s, g->w, s->from), s->from_set = 1;
  s->inv = inv_at(s, g->w, t), s->inv_t = t;
  g->w = w;
  while (s->cur < s->n && ent(s, s->cur)->a + w <= t)
    s->sum -= ent(s, s->cur++)->tok;
  while (s->cur > 0 && ent(s, s->cur - 1)->a + w > t)
    s->sum += ent(s, --s->cur)->tok;
  set_used(g, s);
}

/* ---- the run's state ------------------------------------------------------------ */

typedef struct adapt_run {
  uint64_t none;  /* requests for which the policy returned no device */
  uint32_t *devs; /* the adaptive devices, in index order */
  size_t n;
} adapt_run;

static lim_grp *grp_of(const run *u, uint32_t i) { return &u->lims.g[u->devs[i].grp]; }
int adapt_is(const run *u, uint32_t i) { return grp_of(u, i)->ops == &lim_adaptive_window; }
static adw *st_of(const run *u, uint32_t i) { return grp_of(u, i)->st; }

int adapt_setup(run *u) {
  size_t n = 0;
  for (uint32_t i = 0; i < u->n; i++)
    n += (size_t)adapt_is(u, i);
  if (!n)
    return 0;
  adapt_run *ad = calloc(1, sizeof *ad);
  if (!ad || !(ad->devs = malloc(n * sizeof *ad->devs))) {
    free(ad);
    return -1;
  }
  u->ad = ad;
  for (uint32_t i = 0; i < u->n; i++) {
    if (!adapt_is(u, i))
      continue;
    ad->devs[ad->n++] = i;
    adw *s = st_of(u, i);
    s->from = u->from;
    double t1 = s->cfg->interval_s;
    if (t1 < u->to && cal_push(&u->q, t1, EV_ADAPT, i))
      return -1;
  }
  return 0;
}

void adapt_teardown(run *u) {
  if (u->ad)
    free(u->ad->devs);
  free(u->ad);
  u->ad = NULL;
}

void adapt_refused(run *u, long picked) {
  if (picked < 0)
    u->ad->none++;
  else if (adapt_is(u, (uint32_t)picked))
    st_of(u, (uint32_t)picked)->refused++;
}

void adapt_started(run *u, uint32_t i) { st_of(u, i)->qstarted++; }

int adapt_reject(run *u, long picked, double t, uint64_t prompt, uint64_t tok) {
  adapt_refused(u, picked);
  return cloud_send(u, t, t, prompt, tok, t >= u->from);
}

uint32_t adapt_done_kind(const run *u, uint32_t i) {
  return adapt_is(u, i) && st_of(u, i)->cfg->target_utilization > 0 ? EV_ADONE : EV_DONE;
}

int adapt_fire_done(run *u, const heap_ev *ev) {
  busy_to(st_of(u, ev->arg), u->devs[ev->arg].inflight, ev->t);
  return run_done(u, ev);
}

void adapt_shared_done(run *u, uint32_t i, double t) {
  if (adapt_is(u, i) && st_of(u, i)->cfg->target_utilization > 0)
    busy_to(st_of(u, i), u->devs[i].inflight, t);
}

/* The new W from the interval [s->t0, t) that ends now. */
static double control(run *u, adw *s, double w, double t) {
  const lim_adapt *a = s->cfg;
  if (a->target_rejected > 0) {
    uint64_t none = u->ad->none - s->none0, refused = s->refused + none;
    uint64_t offered = s->admitted - s->qstarted + refused; /* a start from its queue: no offer */
    if (!offered)
      return w;
    double r = (double)refused / (double)offered;
    w *= exp(-a->gain * (r - a->target_rejected));
  } else {
    const dev *d = &u->devs[s->dev];
    busy_to(s, d->inflight, t);
    double par = (double)u->s->dev[d->spec].max_parallel; /* P: max_par is 0 while closed */
    double util = s->area / (par * (t - s->t0));
    w *= exp(a->gain * (util - a->target_utilization));
  }
  return w < a->w_min_s ? a->w_min_s : w > a->w_max_s ? a->w_max_s : w;
}

int adapt_fire(run *u, const heap_ev *ev) {
  double t = ev->t;
  if (u->ts) /* rows that end by t see the old W */
    run_ts_advance(u, t);
  lim_grp *g = grp_of(u, ev->arg);
  adw *s = g->st;
  double w = control(u, s, g->w, t);
  int moved = w != g->w;
  if (moved) {
    set_w(g, s, w, t);
    disp_expired(&u->d, ev->arg); /* `used` moved either way: indexes recompute */
  }
  s->t0 = t, s->area = 0, s->area_t = t;
  s->admitted = s->refused = s->qstarted = 0, s->none0 = u->ad->none;
  double next = (double)(++s->k + 1) * s->cfg->interval_s;
  if (next < u->to && cal_push(&u->q, next, EV_ADAPT, ev->arg))
    return -1;
  /* svc.h: a waiting head may fit now (W shrank: it starts at t) or later
   * (its head-ready timer moves to the new W's ready_at) */
  return moved && u->sv ? sv_try_start(u, ev->arg, t) : 0;
}

/* ---- results and time series ---------------------------------------------------- */

double adapt_windows(const run *u, uint32_t i) {
  const lim_grp *g = grp_of(u, i);
  const adw *s = g->st;
  double from = s->from_set ? s->inv_from : inv_at(s, g->w, u->from);
  return inv_at(s, g->w, u->to) - from;
}

double adapt_ts_windows(run *u, uint32_t i, double t1) {
  lim_grp *g = grp_of(u, i);
  adw *s = g->st;
  double x = inv_at(s, g->w, t1), r = x - s->inv_ts;
  s->inv_ts = x;
  return r;
}

void adapt_ts_header(run *u) { fprintf(u->ts, "\tw_mean_s\tw_min_s\tw_max_s"); }

void adapt_ts_row(run *u) {
  const adapt_run *ad = u->ad;
  double sum = 0, lo = INFINITY, hi = 0;
  for (size_t k = 0; k < ad->n; k++) {
    double w = grp_of(u, ad->devs[k])->w;
    sum += w;
    lo = w < lo ? w : lo;
    hi = w > hi ? w : hi;
  }
  fprintf(u->ts, "\t%.10g\t%.10g\t%.10g", sum / (double)ad->n, lo, hi);
}

int adapt_full(const run *u) {
  for (size_t k = 0; u->ad && k < u->ad->n; k++)
    if (st_of(u, u->ad->devs[k])->n >= WIN_MAX_ENTRIES)
      return 1;
  return 0;
}
