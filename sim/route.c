/* route.c: difficulty, accuracy curves and the routing decision (route.h).
 *
 * Accounting: route_arrive() makes the engine's calls (run_admit,
 * cloud_reject, cloud_send) and reads which of the run's totals moved to
 * learn who answered: n_edge (a device), n_redir (the cloud), or neither
 * (dropped, or before the statistics window). That is exact because, with
 * `difficulty`, nothing is answered later than the arrival's own call:
 * cloud retries and device failures (the paths that do) are refused by
 * route_check_cfg(). A cascade's escalation (edge answer, then the cloud)
 * counts in both n_edge and n_redir and once in n_esc, so the engine's
 * conservation check reads generated + escalated = edge + redirected +
 * dropped.
 */
#include "route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "kinds.h"
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
  x->dtab = gsl_ran_discrete_preproc(x->dv.n, w);
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

/* The paths that answer a request after its arrival (retries, fail-overs)
 * are not accounted for yet (route.c's header). */
static int check_unsupported(kctx *c, const scn *s) {
  if (s->cx.has_retry)
    return key_fail(c, "difficulty", "not supported with cloud.retry (yet)");
  for (size_t i = 0; i < s->ndev; i++)
    if (s->dev[i].has_failure)
      return key_fail(c, "difficulty", "not supported with devices[%zu].failure (yet)", i);
  return 0;
}

int route_check_cfg(kctx *c, scn *s) {
  route_cfg *x = &s->rt;
  if (!x->ops)
    x->ops = &route_edge_first;
  if (x->has_diff &&
      ((x->dcol[0] ? check_column(c, s) : check_difficulty(c, x)) || check_unsupported(c, s)))
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
    gsl_ran_discrete_free(x->dtab);
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

struct route_run {
  const route_cfg *x;
  void *st; /* the strategy's run state (route_ops.setup), or NULL */
  gsl_rng *r_diff, *r_route;
  /* over requests arriving in the statistics window */
  double acc_edge, acc_cloud; /* sums of P(correct) of edge and cloud answers */
  uint64_t n_to_cloud;        /* sent straight to the cloud by the strategy */
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
  if (q->r_diff)
    gsl_rng_free(q->r_diff);
  if (q->r_route)
    gsl_rng_free(q->r_route);
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
  return x->dv.v[rng_discrete(q->r_diff, x->dtab)];
}

/* Credits a cloud answer given in the statistics window (n_redir moved):
 * Q of the utility becomes the curve's P(correct | d). */
static void credit_cloud(run *u, double d) {
  const scn *s = u->s;
  double p = acc_eval(&s->rt.cloud_acc, d);
  u->rt->acc_cloud += p;
  u->r->utility_sum += s->alpha * (p - s->cloud.quality);
}

/* A cascade's escalation of the answer device i gave (admitted at t): the
 * cloud answers after the edge's service time, which its latency includes;
 * the edge answer's own latency and utility go (the utility is the cloud's:
 * its Q and its TTFT as R, like any cloud answer). */
static int escalate(run *u, size_t i, double t, const wl_arrival *a, int counted) {
  const scn *s = u->s;
  const scn_device *sd = &s->dev[u->devs[i].spec];
  double service = sd->ttft_s + (double)a->tokens / sd->tgs;
  u->cloud_lat_add = service;
  int rc = cloud_send(u, t, t, a->prompt, a->tokens, counted);
  u->cloud_lat_add = 0;
  if (rc || !counted)
    return rc;
  u->n_esc++, u->k_esc += a->tokens;
  hist_remove(&u->r->lat_hist[0], service);
  u->r->utility_sum -= s->alpha * sd->quality + (1 - s->alpha) * sd->ttft_s; /* the cloud's stays */
  return 0; /* the cloud answered: cascade refuses the paths that drop (route_cascade.c) */
}

/* A request sent to the cloud at its arrival by the strategy, not
 * rejected by the edge; credited if the cloud answered it. */
static int send_cloud(run *u, double t, const wl_arrival *a, double d) {
  uint64_t c0 = u->n_redir;
  if (cloud_send(u, t, t, a->prompt, a->tokens, t >= u->from))
    return -1;
  if (u->n_redir != c0)
    credit_cloud(u, d);
  return 0;
}

/* The strategy's note that device i (or none, i < 0) was picked. */
static int dispatched(run *u, long i, double t, double d) {
  route_run *q = u->rt;
  if (i < 0 || !q->x->ops->dispatched)
    return 0;
  return q->x->ops->dispatched(q->st, u, (size_t)i, t, d);
}

/* The edge's part: dispatch; if admitted, the answer's accuracy (and a
 * possible escalation), else the cloud as before. A strategy that picks
 * the LM (serve) may send an admitted request up to the cloud instead. */
static int to_edge(run *u, double t, const wl_arrival *a, double d) {
  route_run *q = u->rt;
  uint64_t e0 = u->n_edge, c0 = u->n_redir;
  long i = disp_pick(&u->d, a->tokens, t);
  if (!(i >= 0 && disp_admits(&u->d, (size_t)i, a->tokens, t))) {
    if (cloud_reject(u, i, t, a->prompt, a->tokens))
      return -1;
    if (u->n_redir != c0)
      credit_cloud(u, d);
    return dispatched(u, i, t, d);
  }
  const route_ops *ops = q->x->ops;
  const scn_device *sd = &u->s->dev[u->devs[i].spec];
  if (ops->serve && !(sd = ops->serve(q->st, u, (size_t)i, t, d, a->tokens)))
    return send_cloud(u, t, a, d) ? -1 : dispatched(u, i, t, d);
  if (ops->serve ? run_admit_as(u, (size_t)i, t, a, sd) : run_admit(u, (size_t)i, t, a))
    return -1;
  double p = acc_eval(&sd->acc, d), acc = p;
  int counted = u->n_edge != e0;
  if (ops->escalate && ops->escalate(q->x->cfg, q->r_route, p, &acc)) {
    if (escalate(u, (size_t)i, t, a, counted))
      return -1;
    if (counted)
      credit_cloud(u, d);
    return 0;
  }
  if (counted) {
    q->acc_edge += acc;
    u->r->utility_sum += u->s->alpha * (acc - sd->quality);
  }
  return dispatched(u, i, t, d);
}

int route_arrive(run *u, double t, const wl_arrival *a) {
  route_run *q = u->rt;
  const route_ops *ops = q->x->ops;
  double d = draw_difficulty(q, a);
  if (!ops->to_cloud || !ops->to_cloud(q->x->cfg, q->r_route, d))
    return to_edge(u, t, a, d);
  q->n_to_cloud += (uint64_t)(t >= u->from);
  return send_cloud(u, t, a, d);
}

int route_fire(run *u, const heap_ev *ev) {
  route_run *q = u->rt;
  return q->x->ops->fire(q->st, u, ev);
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

void route_finish(run *u) {
  route_run *q = u->rt;
  if (!q)
    return;
  es_result *r = u->r;
  double esc = (double)u->n_esc;
  r->rq.escalated = esc;
  r->rq.to_cloud = (double)q->n_to_cloud;
  r->rq.acc_edge = ratio(q->acc_edge, r->edge_served - esc);
  r->rq.acc_cloud = ratio(q->acc_cloud, r->redirected);
  r->rq.acc_all = ratio(q->acc_edge + q->acc_cloud, r->generated); /* dropped: wrong */
  /* an escalated request was answered, not rejected, at the edge */
  r->rejected_fraction = ratio(r->redirected - esc + r->dropped, r->generated);
  if (q->x->ops->finish)
    q->x->ops->finish(q->st, u);
}
