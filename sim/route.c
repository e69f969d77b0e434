/* route.c: difficulty, accuracy curves and the routing decision (route.h).
 *
 * Accounting: a request carries its difficulty (and, at the edge, the
 * accuracy credited for its answer and any pending escalation) in run.rq
 * while it is handled, and in its queue entry, service record, fault slot
 * or retry record while it waits; the functions that count where it was
 * answered (sv_start and route_edge's callers for the edge, cloud.c's
 * attempt for the cloud, the cuts of faults.c and service.c taking an
 * edge answer back) credit its expected accuracy then, so requests decided
 * after their arrival (queues, shared service, failures, cloud retries)
 * are accounted for exactly. With `difficulty` the cloud always runs
 * cloud.c's extended path (u->cl), where that credit is.
 *
 * A cascade's escalation is sent to the cloud when the edge answer
 * completes (EV_ESC for a fixed service time, the shared-service
 * completion otherwise), like any cloud request: outages, limits, budget
 * and retries apply. Answered, it counts in both n_edge and n_redir and
 * once in n_esc (the engine's conservation check reads generated +
 * escalated = edge + redirected + dropped), and the cloud's answer
 * replaces the edge's (latency, utility, accuracy). Refused for good, the
 * edge answer stands (its accuracy given the verifier's verdict) and is
 * counted in esc_refused, not in drops. A failure that cuts the edge
 * answer first cancels the escalation (the request fails over like any).
 */
#include "route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "kinds.h"
#include "observe.h"
#include "pool.h"
#include "rng.h"
#include "run.h"
#include "scenario.h"

#define MAX_POINTS 1000u /* values of a difficulty list or points of a curve */

/* ---- keys ----------------------------------------------------------------------- */

/* A non-empty array of at most MAX_POINTS numbers in [lo, hi] into the
 * numlist at base + r->off; `what` names them in messages. */
static int parse_list(kctx *c, const cJSON *v, const char *path, numlist *out, double lo, double hi,
                      const char *what, const char *each) {
  char got[96], p[256];
  int n = cJSON_GetArraySize(v);
  if (!cJSON_IsArray(v) || n < 1 || (unsigned)n > MAX_POINTS) {
    key_count_text(v, got, sizeof got);
    return key_fail(c, path, "must be an array of 1 to %u %s, got %s", MAX_POINTS, what, got);
  }
  free(out->v);
  out->n = 0;
  if (!(out->v = malloc((size_t)n * sizeof *out->v)))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  const cJSON *it = v->child;
  for (int i = 0; i < n; i++, it = it->next) {
    if (!cJSON_IsNumber(it) || !(it->valuedouble >= lo && it->valuedouble <= hi)) {
      snprintf(p, sizeof p, "%s[%d]", path, i);
      key_count_text(it, got, sizeof got);
      return key_fail(c, p, "must be %s, got %s", each, got);
    }
    out->v[i] = it->valuedouble;
    out->n = (size_t)i + 1;
  }
  return 0;
}

static numlist *list_at(char *base, const key_row *r) { return (numlist *)(base + r->off); }

static int parse_unit(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  return parse_list(c, v, path, list_at(base, r), 0, 1, "numbers in [0, 1]", "a number in [0, 1]");
}

static int parse_weights(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  return parse_list(c, v, path, list_at(base, r), 0, INFINITY, "weights >= 0", "a number >= 0");
}

static int parse_beta(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  numlist *l = list_at(base, r);
  char got[96];
  if (parse_list(c, v, path, l, 0, 1e6, "numbers in (0, 1e6]", "a number in (0, 1e6]"))
    return c->e->code;
  if (l->n != 2 || !(l->v[0] > 0) || !(l->v[1] > 0)) {
    key_count_text(v, got, sizeof got);
    return key_fail(c, path, "must be [a, b] with a, b in (0, 1e6], got %s", got);
  }
  return 0;
}

static int parse_d50(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  static const key_row bounds = KEY_NUM("d50", 0, -100, 100, 0, NULL, "");
  optnum *o = (optnum *)(base + r->off);
  o->given = 1;
  return key_number(c, path, v, &bounds, &o->v);
}

#define SOFF(m) offsetof(scn, m)
#define DEVOFF(m) offsetof(scn_device, m)
#define ACC_ROWS(OFFSET)                                                                                \
  KEY_FUNC("d", OFFSET(d), parse_unit, 0, NULL, "array",                                                \
           "difficulties of the curve's points, increasing, in [0, 1] (with p)"),                       \
      KEY_FUNC("p", OFFSET(p), parse_unit, 0, NULL, "array",                                            \
               "P(correct) at each point of d, in [0, 1]; linear between points"),                      \
      KEY_FUNC(                                                                                         \
          "d50", OFFSET(d50), parse_d50, 0, NULL, "number",                                             \
          "logistic curve 1 / (1 + exp((d - d50) / scale)): difficulty where P = 0.5, in [-100, 100]"), \
      KEY_NUM("scale", OFFSET(scale), 0, 10, K_LOX, NULL,                                               \
              "logistic curve: its width in difficulty, in (0, 10] (with d50)"),                        \
      KEY_END

#define DEV_ACC(m) DEVOFF(acc.m)
#define CLOUD_ACC(m) SOFF(rt.cloud_acc.m)
const key_row ROUTE_DEV_ACC_KEYS[] = {ACC_ROWS(DEV_ACC)};
const key_row ROUTE_CLOUD_ACC_KEYS[] = {ACC_ROWS(CLOUD_ACC)};

const key_row ROUTE_DIFF_KEYS[] = {
    KEY_FUNC("values", SOFF(rt.dv), parse_unit, 0, NULL, "array",
             "difficulties in [0, 1], drawn with `weights` (or `beta`)"),
    KEY_FUNC("weights", SOFF(rt.dw), parse_weights, 0, NULL, "array",
             "weights of `values` (>= 0, positive sum; default equal)"),
    KEY_FUNC("beta", SOFF(rt.beta), parse_beta, 0, NULL, "array",
             "[a, b]: difficulty drawn from Beta(a, b) (instead of values)"),
    KEY_STR("column", SOFF(rt.dcol), sizeof(((route_cfg *)0)->dcol),
            "trace workloads: the trace's column of difficulties in [0, 1] (instead of values)"),
    KEY_END};

/* ---- rules ------------------------------------------------------------------------ */

/* The curve's kind from its keys, or its LM's quality (flat), or none. */
static int check_curve(kctx *c, acc_curve *a, double quality, const char *path) {
  char p[256];
  int pts = a->d.n || a->p.n, logi = a->d50.given || a->scale > 0;
  a->kind = ACC_NONE;
  if (!a->given) {
    if (quality >= 0)
      a->kind = ACC_FLAT, a->flat = quality;
    return 0;
  }
  if (pts == logi)
    return key_fail(c, path, "must give either {d, p} or {d50, scale}, not %s",
                    pts ? "both" : "neither");
  if (logi) {
    if (!a->d50.given || !(a->scale > 0)) {
      key_join(p, sizeof p, path, a->d50.given ? "scale" : "d50");
      return key_fail(c, p, "required key is missing (d50 and scale go together)");
    }
    a->kind = ACC_LOGISTIC;
    return 0;
  }
  if (!a->d.n || !a->p.n) {
    key_join(p, sizeof p, path, a->d.n ? "p" : "d");
    return key_fail(c, p, "required key is missing (d and p go together)");
  }
  if (a->d.n != a->p.n) {
    key_join(p, sizeof p, path, "p");
    return key_fail(c, p, "must have as many values as d (%zu), got %zu", a->d.n, a->p.n);
  }
  for (size_t i = 1; i < a->d.n; i++)
    if (!(a->d.v[i] > a->d.v[i - 1])) {
      snprintf(p, sizeof p, "%s.d[%zu]", path, i);
      return key_fail(c, p, "must be > d[%zu] (%.15g): points increase, got %.15g", i - 1,
                      a->d.v[i - 1], a->d.v[i]);
    }
  a->kind = ACC_POINTS;
  return 0;
}

/* difficulty.column: the trace gives each request's difficulty (its
 * values are checked when the trace is read, wl_trace.c). */
static int check_column(kctx *c, const scn *s) {
  const route_cfg *x = &s->rt;
  if (x->dv.n || x->beta.n || x->dw.n)
    return key_fail(c, "difficulty.column",
                    "not with `values`, `weights` or `beta` (the trace gives each difficulty)");
  if (s->wl.ops != &wl_trace)
    return key_fail(c, "difficulty.column", "only with workload.kind \"trace\", got \"%s\"",
                    s->wl.ops->h.name);
  return 0;
}

static int check_difficulty(kctx *c, route_cfg *x) {
  if (!x->dv.n == !x->beta.n)
    return key_fail(c, "difficulty", "must give either `values` or `beta`, not %s",
                    x->dv.n ? "both" : "neither");
  if (x->dw.n && !x->dv.n)
    return key_fail(c, "difficulty.weights", "only with difficulty.values");
  if (x->beta.n)
    return 0;
  if (x->dw.n && x->dw.n != x->dv.n)
    return key_fail(c, "difficulty.weights", "must have as many values as `values` (%zu), got %zu",
                    x->dv.n, x->dw.n);
  double sum = 0;
  for (size_t i = 0; i < x->dw.n; i++)
    sum += x->dw.v[i];
  if (x->dw.n && !(sum > 0 && isfinite(sum)))
    return key_fail(c, "difficulty.weights", "must have a positive, finite sum, got %.15g", sum);
  double *w = x->dw.n ? x->dw.v : malloc(x->dv.n * sizeof *w);
  if (!w)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  for (size_t i = 0; !x->dw.n && i < x->dv.n; i++)
    w[i] = 1;
  x->dtab = rng_alias_new(x->dv.n, w);
  if (w != x->dw.v)
    free(w);
  return x->dtab ? 0 : es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
}

/* devices[i].models: only with a strategy that picks the LM, and each
 * stored LM's curve as a device's. */
static int check_stored(kctx *c, scn *s, size_t i) {
  char p[96];
  if (!s->rt.ops->serve) {
    snprintf(p, sizeof p, "devices[%zu].models", i);
    return key_fail(c, p, "only with routing.strategy \"model_switch\", got \"%s\"",
                    s->rt.ops->h.name);
  }
  for (size_t k = 0; k < s->dev[i].nlms; k++) {
    scn_device *v = &s->dev[i].lms[k];
    snprintf(p, sizeof p, "devices[%zu].models[%zu].accuracy", i, v->listed);
    if (check_curve(c, &v->acc, v->quality, p))
      return c->e->code;
    if (v->acc.kind == ACC_NONE) /* model_switch needs `difficulty` (route_check_cfg) */
      return key_fail(c, p, "required (the profile publishes no quality for \"%s\")", v->lm);
  }
  return 0;
}

/* An `accuracy` without `difficulty`, or the converse without every LM's
 * curve: named at the first offending key. */
static int check_lms(kctx *c, scn *s) {
  char p[96];
  for (size_t i = 0; i < s->ndev; i++) {
    if (s->dev[i].nlms) { /* stored LMs: their curves, not the entry's */
      if (check_stored(c, s, i))
        return c->e->code;
      continue;
    }
    acc_curve *a = &s->dev[i].acc;
    snprintf(p, sizeof p, "devices[%zu].accuracy", i);
    if (check_curve(c, a, s->dev[i].quality, p))
      return c->e->code;
    if (a->given && !s->rt.has_diff)
      return key_fail(c, p, "needs the top-level `difficulty` (the requests' difficulty law)");
    if (s->rt.has_diff && a->kind == ACC_NONE)
      return key_fail(c, p, "required with `difficulty` (or devices[%zu].quality, a flat curve)",
                      i);
  }
  acc_curve *a = &s->rt.cloud_acc;
  if (check_curve(c, a, s->cloud.quality, "cloud.accuracy"))
    return c->e->code;
  if (a->given && !s->rt.has_diff)
    return key_fail(c, "cloud.accuracy",
                    "needs the top-level `difficulty` (the requests' difficulty law)");
  if (s->rt.has_diff && s->cloud.enabled && a->kind == ACC_NONE)
    return key_fail(c, "cloud.accuracy",
                    "required with `difficulty` and the cloud enabled (or cloud.quality, a flat "
                    "curve)");
  return 0;
}

int route_check_cfg(kctx *c, scn *s) {
  route_cfg *x = &s->rt;
  if (!x->ops)
    x->ops = &route_edge_first;
  if (x->has_diff && (x->dcol[0] ? check_column(c, s) : check_difficulty(c, x)))
    return c->e->code;
  if (check_lms(c, s))
    return c->e->code;
  if (x->ops != &route_edge_first && !x->has_diff)
    return key_fail(c, "routing.strategy",
                    "\"%s\" needs the top-level `difficulty` (the requests' difficulty law)",
                    x->ops->h.name);
  if (x->ops->validate && x->ops->validate(c, s, x->cfg))
    return c->e->code;
  if (x->has_diff)
    s->has_quality = 1; /* every LM has a curve: PCR's Q is per request */
  return 0;
}

static void curve_free(acc_curve *a) {
  free(a->d.v);
  free(a->p.v);
}

void route_cfg_free(scn *s) {
  route_cfg *x = &s->rt;
  free(x->dv.v);
  free(x->dw.v);
  free(x->beta.v);
  if (x->dtab)
    rng_alias_free(x->dtab);
  curve_free(&x->cloud_acc);
  for (size_t i = 0; s->dev && i < s->ndev; i++) {
    curve_free(&s->dev[i].acc);
    for (size_t k = 0; k < s->dev[i].nlms; k++) /* devices[].models */
      curve_free(&s->dev[i].lms[k].acc);
    free(s->dev[i].lms);
  }
  kind_cfg_free(x->ops ? &x->ops->h : NULL, x->cfg);
}

/* ---- curves ------------------------------------------------------------------------ */

double acc_eval(const acc_curve *a, double d) {
  if (a->kind == ACC_FLAT)
    return a->flat;
  if (a->kind == ACC_LOGISTIC)
    return 1 / (1 + exp((d - a->d50.v) / a->scale));
  const double *x = a->d.v, *y = a->p.v;
  size_t n = a->d.n;
  if (d <= x[0])
    return y[0];
  if (d >= x[n - 1])
    return y[n - 1];
  size_t lo = 0, hi = n - 1; /* x[lo] < d < x[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (x[mid] <= d)
      lo = mid;
    else
      hi = mid;
  }
  return y[lo] + (y[hi] - y[lo]) * (d - x[lo]) / (x[hi] - x[lo]);
}

/* ---- the run ---------------------------------------------------------------------- */

/* A cascade's escalation, from the edge's verdict until the cloud answers
 * it or refuses it: the edge answer (to take back when the cloud's replaces
 * it, or to keep) and the request. */
typedef struct esc_rec {
  double t_arr, t_start, t_first, t_end; /* the edge answer (t_end: the escalation's send) */
  double service;                        /* t_end - t_start as the engine computed it */
  double d, acc;                         /* difficulty; P(the kept edge answer is right) */
  uint64_t prompt, tok;
  uint32_t dev;   /* device instance that answered */
  uint32_t state; /* ESC_* */
} esc_rec;
enum { ESC_FREE = 0, ESC_OPEN, ESC_TIMED, ESC_CUT };

struct route_run {
  const route_cfg *x;
  void *st; /* the strategy's run state (route_ops.setup), or NULL */
  gsl_rng *r_diff, *r_route;
  /* over requests arriving in the statistics window */
  double acc_edge, acc_cloud; /* sums of P(correct) of edge and cloud answers */
  uint64_t n_to_cloud;        /* sent straight to the cloud by the strategy */
  uint64_t n_refused;         /* escalations the cloud refused: the edge answer stood */
  pool esc;                   /* esc_rec of the escalations pending (pool.h) */
};

int route_setup(run *u, uint64_t seed) {
  const route_cfg *x = &u->s->rt;
  if (!x->has_diff)
    return 0;
  route_run *q = calloc(1, sizeof *q);
  if (!q)
    return -1;
  u->rt = q;
  q->x = x;
  pool_init(&q->esc, sizeof(esc_rec));
  q->r_diff = rng_stream_new(seed, RNG_DIFFICULTY);
  q->r_route = rng_stream_new(seed, RNG_ROUTE);
  if (!q->r_diff || !q->r_route)
    return -1;
  return x->ops->setup ? x->ops->setup(u, x->cfg, &q->st) : 0;
}

void route_teardown(run *u) {
  route_run *q = u->rt;
  if (!q)
    return;
  gsl_rng_free(q->r_diff); /* GSL frees NULL as nothing */
  gsl_rng_free(q->r_route);
  pool_destroy(&q->esc);
  if (q->x->ops->teardown)
    q->x->ops->teardown(q->st);
  free(q);
  u->rt = NULL;
}

static double draw_difficulty(route_run *q, const wl_arrival *a) {
  const route_cfg *x = q->x;
  if (x->dcol[0])
    return a->d; /* the trace's column */
  if (x->beta.n)
    return gsl_ran_beta(q->r_diff, x->beta.v[0], x->beta.v[1]);
  return x->dv.v[rng_alias_draw(q->r_diff, x->dtab)];
}

static const scn_device *dev_of(const run *u, size_t i) { return &u->s->dev[u->devs[i].spec]; }

/* ---- escalation records ----------------------------------------------------------- */

static esc_rec *esc_at(const route_run *q, uint32_t k) { return (esc_rec *)q->esc.rec + k; }

static void esc_free(route_run *q, uint32_t k) {
  esc_at(q, k)->state = ESC_FREE;
  pool_put(&q->esc, k);
}

/* The verifier escalates the edge answer of device i (started at t): a
 * record, and with a known service time an EV_ESC at its completion (a
 * shared-service completion calls route_escalate itself). */
static int esc_open(run *u, size_t i, double t_arr, double t, uint64_t prompt, uint64_t tok,
                    double service, double acc) {
  route_run *q = u->rt;
  uint32_t k;
  if (pool_get(&q->esc, &k))
    return -1;
  esc_rec *e = esc_at(q, k);
  *e = (esc_rec){t_arr, t, t, t, service, u->rq.d, acc, prompt, tok, (uint32_t)i, ESC_OPEN};
  u->rq.esc = k;
  u->rq.acc = 0;
  if (!(service >= 0))
    return 0;
  e->state = ESC_TIMED;
  e->t_first = t + dev_of(u, i)->ttft_s; /* as the engine records the edge answer */
  e->t_end = t + service;
  return cal_push(&u->q, t + service, EV_ESC, k);
}

/* ---- accounting, where the request is answered ------------------------------------ */

int route_edge(run *u, size_t i, double t_arr, double t, uint64_t prompt, uint64_t tok,
               double service) {
  route_run *q = u->rt;
  const scn_device *sd = dev_of(u, i);
  double p = acc_eval(&sd->acc, u->rq.d), acc = p;
  const route_ops *ops = q->x->ops;
  int esc = ops->escalate && ops->escalate(q->x->cfg, q->r_route, p, &acc);
  u->rq.esc = RQ_NO_ESC;
  if (t_arr < u->from) /* not counted: the verdict drawn all the same, nothing sent */
    return 0;
  if (esc)
    return esc_open(u, i, t_arr, t, prompt, tok, service, acc);
  u->rq.acc = acc;
  q->acc_edge += acc;
  u->r->utility_sum += u->s->alpha * (acc - sd->quality);
  return 0;
}

void route_edge_cut(run *u, size_t i) {
  route_run *q = u->rt;
  uint32_t k = u->rq.esc;
  if (k != RQ_NO_ESC) { /* escalation pending: the answer it would replace never came */
    if (esc_at(q, k)->state == ESC_TIMED)
      esc_at(q, k)->state = ESC_CUT; /* its EV_ESC frees it */
    else
      esc_free(q, k);
    u->rq.esc = RQ_NO_ESC;
    return;
  }
  q->acc_edge -= u->rq.acc;
  u->r->utility_sum -= u->s->alpha * (u->rq.acc - dev_of(u, i)->quality);
}

/* A cloud answer counted in the statistics window (n_redir moved): Q of
 * the utility becomes the curve's P(correct | d); an escalation's answer
 * replaces the edge answer: that one's latency and utility go (the utility
 * is the cloud's: its Q and its TTFT as R, like any cloud answer). */
void route_cloud(run *u) {
  route_run *q = u->rt;
  const scn *s = u->s;
  double p = acc_eval(&s->rt.cloud_acc, u->rq.d);
  q->acc_cloud += p;
  u->r->utility_sum += s->alpha * (p - s->cloud.quality);
  uint32_t k = u->rq.esc;
  if (k == RQ_NO_ESC)
    return;
  const esc_rec *e = esc_at(q, k);
  const scn_device *sd = dev_of(u, e->dev);
  u->n_esc++, u->k_esc += e->tok;
  if (u->sv)
    sv_unrecord(u, e->t_arr, e->t_start, e->t_first, e->t_end, e->tok);
  else
    hist_remove(&u->r->lat_hist[0], e->service);
  u->r->utility_sum -= s->alpha * sd->quality + (1 - s->alpha) * sd->ttft_s;
  esc_free(q, k);
  u->rq.esc = RQ_NO_ESC;
}

void route_esc_refused(run *u) {
  route_run *q = u->rt;
  uint32_t k = u->rq.esc;
  const esc_rec *e = esc_at(q, k);
  q->acc_edge += e->acc;
  u->r->utility_sum += u->s->alpha * (e->acc - dev_of(u, e->dev)->quality);
  q->n_refused++;
  esc_free(q, k);
  u->rq.esc = RQ_NO_ESC;
}

double route_esc_start(const run *u) { return esc_at(u->rt, u->rq.esc)->t_start; }

double route_esc_lead(const run *u) {
  return u->rq.esc == RQ_NO_ESC || u->sv ? 0 : esc_at(u->rt, u->rq.esc)->service;
}

int route_escalate(run *u, uint32_t k, double t_first, double t) {
  route_run *q = u->rt;
  esc_rec e = *esc_at(q, k);
  if (e.state == ESC_OPEN) /* shared service: its answer's times are known now */
    esc_at(q, k)->t_first = t_first, esc_at(q, k)->t_end = t, esc_at(q, k)->service = t - e.t_start;
  if (u->ts)
    run_ts_advance(u, t);
  u->rq = (rq_tag){e.d, e.acc, k, 0};
  u->cloud_lat_add = route_esc_lead(u);
  int rc = cloud_send(u, e.t_arr, t, e.prompt, e.tok, 1); /* answered, refused or retried */
  u->cloud_lat_add = 0;
  u->rq.esc = RQ_NO_ESC;
  return rc;
}

int route_fire_esc(run *u, const heap_ev *ev) {
  route_run *q = u->rt;
  if (esc_at(q, ev->arg)->state == ESC_CUT) { /* a failure cut the edge answer */
    esc_free(q, ev->arg);
    return 0;
  }
  return route_escalate(u, ev->arg, 0, ev->t);
}

uint32_t route_pending(const run *u) { return u->rt ? u->rt->esc.used : 0; }

/* ---- the decision at arrival ------------------------------------------------------ */

/* The strategy's note that device i (or none, i < 0) was picked. */
static int dispatched(run *u, long i, double t) {
  route_run *q = u->rt;
  if (i < 0 || !q->x->ops->dispatched)
    return 0;
  return q->x->ops->dispatched(q->st, u, (size_t)i, t, u->rq.d);
}

/* A strategy that picks the LM (serve): device i admitted the request;
 * the LM serves it (its accuracy credited like route_edge's), or it goes
 * up to the cloud (credited there). Without queues or failures (refused
 * by model_switch), so here is where it is answered. */
static int serve_lm(run *u, size_t i, double t, const wl_arrival *a) {
  route_run *q = u->rt;
  const scn_device *lm = q->x->ops->serve(q->st, u, i, t, u->rq.d, a->tokens);
  int rc;
  if (!lm) {
    OBS_CALL(u, reject, t, (long)i, a, OBS_SENT_UP);
    rc = cloud_send(u, t, t, a->prompt, a->tokens, t >= u->from);
  } else {
    double p = acc_eval(&lm->acc, u->rq.d);
    if (t >= u->from) {
      u->rq.acc = p;
      q->acc_edge += p;
      u->r->utility_sum += u->s->alpha * (p - lm->quality);
    }
    rc = run_admit_as(u, i, t, a, lm);
  }
  return rc ? -1 : dispatched(u, (long)i, t);
}

/* The edge's part: dispatch; if admitted, the answer is credited where it
 * starts (here, or in sv_start with queues); else a queue, or the cloud. */
static int to_edge(run *u, double t, const wl_arrival *a) {
  long i = disp_pick(&u->d, a->tokens, t);
  if (i >= 0 && disp_admits(&u->d, (size_t)i, a->tokens, t)) {
    if (u->rt->x->ops->serve)
      return serve_lm(u, (size_t)i, t, a);
    if (!u->sv) { /* with queues, sv_start calls route_edge */
      const scn_device *sd = dev_of(u, (size_t)i);
      double service = sd->ttft_s + (double)a->tokens / sd->tgs; /* as admit() computes it */
      if (route_edge(u, (size_t)i, t, t, a->prompt, a->tokens, service))
        return -1;
    }
    return run_admit(u, (size_t)i, t, a);
  }
  if (u->sv) { /* no free slot or window: a queue with room takes it */
    int k = sv_offer(u, i, t, a->prompt, a->tokens, a->cls);
    if (k)
      return k < 0 ? -1 : 0;
  }
  OBS_CALL(u, reject, t, i, a, obs_reason_of(u, i, a->tokens));
  if (cloud_reject(u, i, t, a->prompt, a->tokens))
    return -1;
  return dispatched(u, i, t);
}

void route_ts_header(run *u) {
  if (u->rt && u->rt->x->ops->ts_header)
    u->rt->x->ops->ts_header(u->rt->st, u);
}

void route_ts_row(run *u) {
  if (u->rt && u->rt->x->ops->ts_row)
    u->rt->x->ops->ts_row(u->rt->st, u);
}

int route_fire(run *u, const heap_ev *ev) {
  route_run *q = u->rt;
  return q->x->ops->fire(q->st, u, ev);
}

int route_arrive(run *u, double t, const wl_arrival *a) {
  route_run *q = u->rt;
  const route_ops *ops = q->x->ops;
  u->rq = (rq_tag){draw_difficulty(q, a), 0, RQ_NO_ESC, u->rq.id}; /* id: observe.h */
  if (!ops->to_cloud || !ops->to_cloud(q->x->cfg, q->r_route, u->rq.d))
    return to_edge(u, t, a);
  int counted = t >= u->from;
  q->n_to_cloud += (uint64_t)counted;
  OBS_CALL(u, reject, t, -1, a, OBS_ROUTED); /* the arrival's one outcome (observe.h) */
  return cloud_send(u, t, t, a->prompt, a->tokens, counted);
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

void route_finish(run *u) {
  route_run *q = u->rt;
  if (!q)
    return;
  es_result *r = u->r;
  double esc = (double)u->n_esc;
  r->rq.escalated = esc;
  r->rq.esc_refused = (double)q->n_refused;
  r->rq.to_cloud = (double)q->n_to_cloud;
  r->rq.acc_edge = ratio(q->acc_edge, r->edge_served - esc);
  r->rq.acc_cloud = ratio(q->acc_cloud, r->redirected);
  r->rq.acc_all = ratio(q->acc_edge + q->acc_cloud, r->generated); /* dropped: wrong */
  /* an escalated request was answered, not rejected, at the edge */
  r->rejected_fraction = ratio(r->redirected - esc + r->dropped, r->generated);
  if (q->x->ops->finish)
    q->x->ops->finish(q->st, u);
}
