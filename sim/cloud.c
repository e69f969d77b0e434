/* cloud.c: the cloud fallback (cloud.h): its extended keys, outages, rate
 * limits, retries, budget caps and latency distributions.
 *
 * Outages are a timeline, not events: the current-or-next down interval
 * [s, e) of a cursor that only moves forward (explicit intervals by index,
 * the renewal process by alternating up and down draws). Three cursors walk
 * the same timeline: one answers "is the cloud down at t" for requests, one
 * measures availability over the statistics window, one the time series'
 * intervals; a random timeline is drawn three times from generators seeded
 * alike (stream RNG_OUTAGE), so all see the same intervals whatever order
 * they are asked in, and asking never shifts another stream.
 */
#include "cloud.h"

#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adapt.h"
#include "ifile.h"
#include "pool.h"
#include "rng.h"
#include "route.h"
#include "run.h"

#define XOFF(m) offsetof(scn, cx.m)
#define RATE_WINDOW_S 60.0 /* rpm / tpm window, seconds */
#define MAX_OUTAGES 1000000u
#define MAX_LAT_VALUES 1000u

/* ---- keys ------------------------------------------------------------------- */

static const char *const DIST_NAMES[] = {"exponential", "weibull", NULL};

const key_row CLOUD_OUTAGE_KEYS[] = {
    KEY_NUM("mtbf_s", XOFF(outage.mtbf_s), 0, 1e9, K_REQ | K_LOX, NULL,
            "mean time between outages (mean up time), seconds"),
    KEY_NUM("mttr_s", XOFF(outage.mttr_s), 0, 1e9, K_REQ | K_LOX, NULL,
            "mean outage duration, seconds"),
    KEY_ENUM("distribution", XOFF(outage.dist), DIST_NAMES, 0, "\"exponential\"",
             "up and down times: exponential, or weibull with `shape`"),
    KEY_NUM("shape", XOFF(outage.shape), 0.1, 20, 0, NULL, "Weibull shape k (weibull only)"),
    KEY_END};

const key_row CLOUD_LIMIT_KEYS[] = {
    KEY_INT("rpm", XOFF(rpm), 1, 1e9, 0, NULL, "requests accepted per sliding 60 s window"),
    KEY_INT("tpm", XOFF(tpm), 1, 1e12, 0, NULL,
            "tokens (prompt + output) accepted per sliding 60 s window"),
    KEY_INT("max_concurrency", XOFF(max_conc), 1, 1e9, 0, NULL, "cloud requests in flight at once"),
    KEY_END};

const key_row CLOUD_RETRY_KEYS[] = {
    KEY_INT("attempts", XOFF(attempts), 0, 100, 0, "3", "retries after the first attempt"),
    KEY_NUM("backoff_s", XOFF(backoff_s), 0, 86400, 0, "1", "wait before the first retry, seconds"),
    KEY_NUM("multiplier", XOFF(multiplier), 1, 100, 0, "2", "factor on the wait per retry"),
    KEY_NUM("jitter", XOFF(jitter), 0, 1, 0, "0",
            "each wait times a uniform factor in [1 - jitter, 1 + jitter)"),
    KEY_END};

int cloud_parse_outages(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  (void)r;
  cloud_cfg *x = &((scn *)base)->cx;
  char p[128], got[96];
  int n = cJSON_GetArraySize(v);
  if (!cJSON_IsArray(v) || (unsigned)n > MAX_OUTAGES) {
    key_count_text(v, got, sizeof got);
    return key_fail(c, path, "must be an array of at most %u [start_s, end_s] pairs, got %s",
                    MAX_OUTAGES, got);
  }
  free(x->outages);
  x->nout = 0;
  if (n && !(x->outages = malloc((size_t)n * sizeof *x->outages)))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  const cJSON *it = v->child;
  for (int i = 0; i < n; i++, it = it->next) {
    snprintf(p, sizeof p, "%s[%d]", path, i);
    const cJSON *a = cJSON_IsArray(it) ? it->child : NULL, *b = a ? a->next : NULL;
    if (cJSON_GetArraySize(it) != 2 || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
        !(a->valuedouble >= 0) || !(b->valuedouble <= SCN_MAX_DURATION_S)) {
      key_count_text(it, got, sizeof got);
      return key_fail(c, p, "must be [start_s, end_s], numbers in [0, %.0f], got %s",
                      SCN_MAX_DURATION_S, got);
    }
    double s0 = a->valuedouble, e0 = b->valuedouble;
    if (!(s0 < e0))
      return key_fail(c, p, "start_s must be < end_s, got [%.15g, %.15g]", s0, e0);
    if (i && s0 < x->outages[i - 1][1])
      return key_fail(c, p,
                      "[%.15g, %.15g) starts before the end of outages[%d] (%.15g); intervals "
                      "must be sorted and non-overlapping",
                      s0, e0, i - 1, x->outages[i - 1][1]);
    x->outages[i][0] = s0, x->outages[i][1] = e0;
    x->nout = (size_t)i + 1;
  }
  x->ext = 1; /* an empty list still opts into the extended cloud */
  return 0;
}

/* The object form of a latency term. */
typedef struct lat_obj {
  double p50, p95;
  const cJSON *values, *weights;
} lat_obj;

static int keep_json(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  (void)c, (void)path;
  *(const cJSON **)(base + r->off) = v;
  return 0;
}

static const key_row LAT_KEYS[] = {
    KEY_NUM("p50", offsetof(lat_obj, p50), 0, 1e9, K_LOX, NULL, "median"),
    KEY_NUM("p95", offsetof(lat_obj, p95), 0, 1e9, K_LOX, NULL, "95th percentile (> p50)"),
    KEY_FUNC("values", offsetof(lat_obj, values), keep_json, 0, NULL, "array", "values"),
    KEY_FUNC("weights", offsetof(lat_obj, weights), keep_json, 0, NULL, "array", "weights"),
    KEY_END};

static int lat_values(kctx *c, const lat_obj *o, const char *path, const key_row *num, cloud_lat *L,
                      double *scalar) {
  char p[160], got[96];
  int n = cJSON_GetArraySize(o->values);
  if (!cJSON_IsArray(o->values) || n < 1 || (unsigned)n > MAX_LAT_VALUES ||
      !cJSON_IsArray(o->weights) || cJSON_GetArraySize(o->weights) != n) {
    key_join(p, sizeof p, path, cJSON_IsArray(o->values) && n >= 1 ? "weights" : "values");
    key_count_text(cJSON_IsArray(o->values) && n >= 1 ? o->weights : o->values, got, sizeof got);
    return key_fail(c, p, "values and weights must be arrays of the same length in [1, %u], got %s",
                    MAX_LAT_VALUES, got);
  }
  double *w = malloc((size_t)n * sizeof *w);
  L->v = malloc((size_t)n * sizeof *L->v);
  if (!w || !L->v)
    return free(w), es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  static const key_row WEIGHT = KEY_NUM("w", 0, 0, 1e12, 0, NULL, "");
  const cJSON *vi = o->values->child, *wi = o->weights->child;
  double sum = 0, mean = 0;
  for (int i = 0; i < n; i++, vi = vi->next, wi = wi->next) {
    snprintf(p, sizeof p, "%s.values[%d]", path, i);
    if (key_number(c, p, vi, num, &L->v[i]))
      return free(w), c->e->code;
    snprintf(p, sizeof p, "%s.weights[%d]", path, i);
    if (key_number(c, p, wi, &WEIGHT, &w[i]))
      return free(w), c->e->code;
    sum += w[i], mean += w[i] * L->v[i];
  }
  key_join(p, sizeof p, path, "weights");
  if (!(sum > 0))
    return free(w), key_fail(c, p, "must have a positive sum, got %.16g", sum);
  L->table = rng_alias_new((size_t)n, w);
  free(w);
  if (!L->table)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  L->kind = LAT_VALUES, L->n = (size_t)n;
  *scalar = mean / sum;
  return 0;
}

static void lat_free(cloud_lat *L) {
  free(L->v);
  if (L->table)
    rng_alias_free(L->table);
  *L = (cloud_lat){0};
}

/* A number as before (the row `num`), or {p50, p95} or {values, weights}. */
static int parse_lat(kctx *c, const cJSON *v, const char *path, const key_row *num, double *scalar,
                     cloud_lat *L) {
  lat_free(L);
  if (!cJSON_IsObject(v))
    return key_number(c, path, v, num, scalar);
  lat_obj o = {0};
  uint64_t seen = 0;
  char p[160];
  if (key_parse_obj(c, v, path, LAT_KEYS, (char *)&o, &seen))
    return c->e->code;
  int quant = (seen & 3) != 0, vals = (seen & 12) != 0;
  if (quant == vals || (quant && seen != 3) || (vals && seen != 12)) {
    return key_fail(c, path,
                    "must be {\"p50\": X, \"p95\": Y} or {\"values\": [...], "
                    "\"weights\": [...]}, with both keys of one form");
  }
  ((scn *)c->user)->cx.ext = 1;
  if (vals)
    return lat_values(c, &o, path, num, L, scalar);
  key_join(p, sizeof p, path, "p50");
  if (key_number(c, p, cJSON_GetObjectItemCaseSensitive(v, "p50"), num, &o.p50))
    return c->e->code;
  key_join(p, sizeof p, path, "p95");
  if (!(o.p95 > o.p50))
    return key_fail(c, p, "must be > p50 (%.15g), got %.15g", o.p50, o.p95);
  L->kind = LAT_LOGNORMAL;
  L->mu = log(o.p50);
  L->sigma = (log(o.p95) - log(o.p50)) / 1.6448536;
  *scalar = o.p50;
  return 0;
}

static const key_row TTFT_NUM = KEY_NUM("ttft_s", 0, 0, 3600, 0, NULL, "");
static const key_row RTT_NUM = KEY_NUM("rtt_s", 0, 0, 3600, 0, NULL, "");
static const key_row TGS_NUM = KEY_NUM("tgs", 0, SCN_MIN_TGS, 1e9, 0, NULL, "");

int cloud_parse_ttft(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  (void)r;
  scn *s = (scn *)base;
  return parse_lat(c, v, path, &TTFT_NUM, &s->cloud.ttft_s, &s->cx.ttft);
}
int cloud_parse_rtt(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  (void)r;
  scn *s = (scn *)base;
  return parse_lat(c, v, path, &RTT_NUM, &s->cloud.rtt_s, &s->cx.rtt);
}
int cloud_parse_tgs(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base) {
  (void)r;
  scn *s = (scn *)base;
  return parse_lat(c, v, path, &TGS_NUM, &s->cloud.tgs, &s->cx.tgs);
}

int flt_renewal_check(kctx *c, flt_renewal *f, const char *path) {
  char p[160];
  key_join(p, sizeof p, path, "shape");
  if (f->dist == FLT_WEIBULL && f->shape == 0)
    return key_fail(c, p, "required key is missing for distribution \"weibull\"");
  if (f->dist != FLT_WEIBULL && f->shape != 0)
    return key_fail(c, p, "only with distribution \"weibull\"");
  double g = f->dist == FLT_WEIBULL ? gsl_sf_gamma(1 + 1 / f->shape) : 1;
  f->up_scale = f->mtbf_s / g;
  f->down_scale = f->mttr_s / g;
  return 0;
}

double flt_renewal_draw(const flt_renewal *f, gsl_rng *r, int down) {
  double scale = down ? f->down_scale : f->up_scale;
  return f->dist == FLT_WEIBULL ? gsl_ran_weibull(r, scale, f->shape) : rng_exponential(r, scale);
}

int cloud_check_cfg(kctx *c, scn *s) {
  cloud_cfg *x = &s->cx;
  if (x->has_outage && x->outages)
    return key_fail(c, "cloud.outages", "cannot be given with cloud.outage (one or the other)");
  if (x->has_outage && flt_renewal_check(c, &x->outage, "cloud.outage"))
    return c->e->code;
  if (x->has_limits && !x->rpm && !x->tpm && !x->max_conc)
    return key_fail(c, "cloud.limits", "give at least one of rpm, tpm, max_concurrency");
  if (x->budget_period_s > 0 && !(x->budget_usd > 0))
    return key_fail(c, "cloud.budget_period_s", "only with cloud.budget_usd");
  x->ext |= x->has_outage || x->has_limits || x->has_retry || x->budget_usd > 0;
  return 0;
}

void cloud_cfg_free(cloud_cfg *x) {
  free(x->outages);
  x->outages = NULL;
  lat_free(&x->ttft);
  lat_free(&x->rtt);
  lat_free(&x->tgs);
}

/* ---- the run's state ---------------------------------------------------------- */

/* The current-or-next down interval [s, e) of the outage timeline. */
typedef struct cursor {
  double s, e;
  size_t k;   /* explicit: index of [s, e) */
  gsl_rng *r; /* renewal: its own generator */
} cursor;

typedef struct retry_rec {
  double t_arr; /* its arrival (queues: latencies count from it) */
  uint64_t prompt, tok;
  uint32_t attempt; /* retries done before this one */
  uint32_t counted; /* arrived in the statistics window */
  rq_tag rq;        /* routing (route.h): what it carries */
} retry_rec;

typedef struct rate_ent {
  double t;   /* accepted at */
  uint64_t k; /* prompt + output tokens */
} rate_ent;

struct cloud_run {
  const cloud_cfg *x;
  int down_possible; /* outage or outages given */
  cursor q, av, ts;  /* requests; availability; time series */
  gsl_rng *r_retry, *r_lat;
  rate_ent *ring; /* accepted requests of (t - 60, t], oldest at head */
  size_t cap, head, n;
  uint64_t ring_tok;
  uint64_t inflight; /* cloud requests in flight (max_concurrency only) */
  uint64_t period;   /* budget period of `spent` */
  double spent, peak;
  pool retries; /* retry_rec of requests waiting to retry (pool.h) */
  /* counted requests (arrived in [from, to)) */
  uint64_t n429, nretry, n_unavail, n_rl, n_budget;
};

static void cur_next(const cloud_run *c, cursor *q) {
  const cloud_cfg *x = c->x;
  if (!x->has_outage) {
    q->k++;
    q->s = q->k < x->nout ? x->outages[q->k][0] : INFINITY;
    q->e = q->k < x->nout ? x->outages[q->k][1] : INFINITY;
    return;
  }
  q->s = q->e + flt_renewal_draw(&x->outage, q->r, 0);
  q->e = q->s + flt_renewal_draw(&x->outage, q->r, 1);
}

static void cur_first(const cloud_run *c, cursor *q) {
  q->k = (size_t)-1;
  q->e = 0;
  cur_next(c, q);
}

static int cur_down(const cloud_run *c, cursor *q, double t) {
  while (t >= q->e)
    cur_next(c, q);
  return t >= q->s;
}

/* Down time in [a, b); calls must come with non-decreasing a. */
static double cur_down_in(const cloud_run *c, cursor *q, double a, double b) {
  double d = 0;
  while (q->s < b) {
    double lo = q->s > a ? q->s : a, hi = q->e < b ? q->e : b;
    if (hi > lo)
      d += hi - lo;
    if (q->e > b)
      break;
    cur_next(c, q);
  }
  return d;
}

int cloud_setup(run *u, uint64_t seed) {
  const cloud_cfg *x = &u->s->cx;
  if (!x->ext && !u->s->rt.has_diff) /* route.h credits answers in attempt() */
    return 0;
  cloud_run *c = calloc(1, sizeof *c);
  if (!(u->cl = c))
    return -1;
  c->x = x;
  pool_init(&c->retries, sizeof(retry_rec));
  c->down_possible = x->has_outage || x->nout;
  c->r_retry = rng_stream_new(seed, RNG_RETRY);
  c->r_lat = rng_stream_new(seed, RNG_CLOUD_LAT);
  if (!c->r_retry || !c->r_lat)
    return -1;
  cursor *cur[] = {&c->q, &c->av, &c->ts}; /* one timeline, walked three times */
  for (int k = 0; k < 3; k++) {
    if (x->has_outage && !(cur[k]->r = rng_stream_new(seed, RNG_OUTAGE)))
      return -1;
    cur_first(c, cur[k]);
  }
  return 0;
}

void cloud_teardown(run *u) {
  cloud_run *c = u->cl;
  if (!c)
    return;
  gsl_rng *g[] = {c->r_retry, c->r_lat, c->q.r, c->av.r, c->ts.r};
  for (size_t i = 0; i < sizeof g / sizeof *g; i++)
    gsl_rng_free(g[i]); /* GSL frees NULL as nothing */
  free(c->ring);
  pool_destroy(&c->retries);
  free(c);
  u->cl = NULL;
}

/* ---- one attempt ------------------------------------------------------------------ */

enum { SENT, DOWN, BUDGET, LIMITED };

static double lat_draw(const cloud_lat *L, double scalar, gsl_rng *r) {
  if (L->kind == LAT_LOGNORMAL)
    return gsl_ran_lognormal(r, L->mu, L->sigma);
  if (L->kind == LAT_VALUES)
    return L->v[rng_alias_draw(r, L->table)];
  return scalar;
}

static int ring_push(cloud_run *c, double t, uint64_t k) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 64;
    rate_ent *r = malloc(cap * sizeof *r);
    if (!r)
      return -1;
    for (size_t i = 0; i < c->n; i++)
      r[i] = c->ring[(c->head + i) % c->cap];
    free(c->ring);
    c->ring = r, c->cap = cap, c->head = 0;
  }
  c->ring[(c->head + c->n++) % c->cap] = (rate_ent){t, k};
  c->ring_tok += k;
  return 0;
}

/* 1 if the limits refuse a request of k tokens at t (HTTP 429). */
static int limited(cloud_run *c, double t, uint64_t k) {
  const cloud_cfg *x = c->x;
  while (c->n && c->ring[c->head].t + RATE_WINDOW_S <= t) { /* left (t - 60, t] */
    c->ring_tok -= c->ring[c->head].k;
    c->head = (c->head + 1) % c->cap, c->n--;
  }
  return (x->rpm && c->n + 1 > x->rpm) || (x->tpm && c->ring_tok + k > x->tpm) ||
         (x->max_conc && c->inflight >= x->max_conc);
}

/* Tests outage, budget and limits at t; on SENT, the request is accepted
 * (window, spend, concurrency) and answered. -1 if out of memory. */
/* The latency of a counted request answered by the cloud: sent at t,
 * first token after rtt + ttft, done after lat. With queues (svc.h) the
 * queue/service statistics take it, counted from its arrival t_arr. */
static void record(run *u, double t_arr, double t, double first, double lat, uint64_t tok) {
  if (u->sv)
    sv_record(u, 1, t_arr, u->rq.esc == RQ_NO_ESC ? t : route_esc_start(u), t + first, t + lat,
              tok);
  else
    hist_add(&u->r->lat_hist[1], lat + u->cloud_lat_add); /* a cascade's edge time (route.h) */
}

static int attempt(run *u, double t_arr, double t, uint64_t prompt, uint64_t tok, double usd,
                   int counted) {
  cloud_run *c = u->cl;
  const cloud_cfg *x = c->x;
  if (c->down_possible && cur_down(c, &c->q, t))
    return DOWN;
  if (x->budget_usd > 0) {
    uint64_t k = x->budget_period_s > 0 ? (uint64_t)(t / x->budget_period_s) : 0;
    if (k != c->period)
      c->period = k, c->spent = 0;
    if (c->spent + usd > x->budget_usd)
      return BUDGET;
  }
  if ((x->rpm || x->tpm || x->max_conc) && limited(c, t, prompt + tok)) {
    c->n429 += (uint64_t)counted;
    return LIMITED;
  }
  if ((x->rpm || x->tpm) && ring_push(c, t, prompt + tok))
    return -1;
  c->spent += usd;
  if (c->spent > c->peak)
    c->peak = c->spent;
  const scn *s = u->s;
  double rtt = lat_draw(&x->rtt, s->cloud.rtt_s, c->r_lat);
  double ttft = lat_draw(&x->ttft, s->cloud.ttft_s, c->r_lat);
  double tgs = lat_draw(&x->tgs, s->cloud.tgs, c->r_lat);
  double lat = rtt + ttft + (double)tok / tgs;
  if (x->max_conc) {
    c->inflight++;
    if (cal_push(&u->q, t + lat, EV_CLOUD_DONE, 0))
      return -1;
  }
  u->ts_redir++;
  u->ts_tok_cloud += (double)tok;
  u->ts_usd += usd;
  if (!counted)
    return SENT;
  es_result *r = u->r;
  u->n_redir++;
  u->k_cloud += tok;
  r->utility_sum += s->alpha * s->cloud.quality + (1 - s->alpha) * ttft;
  r->cloud_usd += usd;
  record(u, t_arr, t, rtt + ttft, lat, tok);
  if (u->rt) /* route.h: the accuracy of the answer, a cascade's escalation */
    route_cloud(u);
  return SENT;
}

static void drop(run *u, uint64_t tok, int counted, uint64_t *reason) {
  if (u->rq.esc != RQ_NO_ESC) { /* a cascade's escalation: the edge answer stands (route.h) */
    route_esc_refused(u);
    return;
  }
  u->ts_drop++;
  if (counted)
    u->n_drop++, u->k_drop += tok, (*reason)++;
}

static retry_rec *retry_at(const cloud_run *c, uint32_t k) {
  return (retry_rec *)c->retries.rec + k;
}

/* Attempt number `done` (retries already made) of a request at t. */
static int try_send(run *u, double t_arr, double t, uint64_t prompt, uint64_t tok, int counted,
                    uint32_t done) {
  cloud_run *c = u->cl;
  const cloud_cfg *x = c->x;
  const scn *s = u->s;
  double usd = ((double)prompt * s->cloud.price_in + (double)tok * s->cloud.price_out) / 1e6;
  int rc = attempt(u, t_arr, t, prompt, tok, usd, counted);
  if (rc == SENT || rc < 0)
    return rc < 0 ? -1 : 0;
  if (rc == BUDGET)
    return drop(u, tok, counted, &c->n_budget), 0;
  uint64_t *reason = rc == DOWN ? &c->n_unavail : &c->n_rl;
  if (!x->has_retry || done >= x->attempts)
    return drop(u, tok, counted, reason), 0;
  double wait = x->backoff_s * pow(x->multiplier, done);
  if (x->jitter > 0)
    wait *= 1 + x->jitter * (2 * rng_u01(c->r_retry) - 1);
  if (!(t + wait < u->to)) /* nothing runs at or after duration_s */
    return drop(u, tok, counted, reason), 0;
  uint32_t i;
  if (pool_get(&c->retries, &i))
    return -1;
  *retry_at(c, i) = (retry_rec){t_arr, prompt, tok, done + 1, (uint32_t)counted, u->rq};
  c->nretry += (uint64_t)counted;
  return cal_push(&u->q, t + wait, EV_RETRY, i);
}

int cloud_send(run *u, double t_arr, double t, uint64_t prompt, uint64_t tok, int counted) {
  if (!u->s->cloud.enabled) {
    u->ts_drop++;
    if (counted)
      u->n_drop++, u->k_drop += tok;
    return 0;
  }
  if (u->cl)
    return try_send(u, t_arr, t, prompt, tok, counted, 0);
  /* the paper's cloud: always answers */
  const scn *s = u->s;
  es_result *r = u->r;
  double usd = ((double)prompt * s->cloud.price_in + (double)tok * s->cloud.price_out) / 1e6;
  u->ts_redir++;
  u->ts_tok_cloud += (double)tok;
  u->ts_usd += usd;
  if (!counted)
    return 0;
  double lat = s->cloud.rtt_s + s->cloud.ttft_s + (double)tok / s->cloud.tgs;
  u->n_redir++;
  u->k_cloud += tok;
  r->utility_sum += s->alpha * s->cloud.quality + (1 - s->alpha) * s->cloud.ttft_s;
  r->cloud_usd += usd;
  record(u, t_arr, t, s->cloud.rtt_s + s->cloud.ttft_s, lat, tok);
  return 0;
}

int cloud_reject(run *u, long picked, double t, uint64_t prompt, uint64_t tok) {
  int counted = t >= u->from;
  if (picked >= 0 && counted)
    u->devs[picked].rejected++;
  if (u->ad) /* adapt.h: counts the refusal, then cloud_send (both branches tail calls) */
    return adapt_reject(u, picked, t, prompt, tok);
  return cloud_send(u, t, t, prompt, tok, counted);
}

int cloud_fire_retry(run *u, const heap_ev *ev) {
  cloud_run *c = u->cl;
  retry_rec q = *retry_at(c, ev->arg);
  pool_put(&c->retries, ev->arg);
  if (u->ts)
    run_ts_advance(u, ev->t);
  u->rq = q.rq;
  u->cloud_lat_add = u->rt ? route_esc_lead(u) : 0;
  int rc = try_send(u, q.t_arr, ev->t, q.prompt, q.tok, (int)q.counted, q.attempt);
  u->cloud_lat_add = 0;
  return rc;
}

int cloud_fire_done(run *u, const heap_ev *ev) {
  (void)ev;
  u->cl->inflight--;
  return 0;
}

/* ---- results ------------------------------------------------------------------------ */

void cloud_finish(run *u) {
  es_result *r = u->r;
  cloud_run *c = u->cl;
  double span = u->to - u->from;
  r->x.cloud_availability = 1;
  if (!c || !c->x->ext) /* the paper's cloud (run by this path for route.h) */
    return;
  if (c->down_possible && span > 0)
    r->x.cloud_availability = 1 - cur_down_in(c, &c->av, u->from, u->to) / span;
  r->x.unavailable = (double)c->n_unavail;
  r->x.rate_limited = (double)c->n_rl;
  r->x.over_budget = (double)c->n_budget;
  r->x.http_429 = (double)c->n429;
  r->x.retries = (double)c->nretry;
  r->x.peak_period_usd = c->peak;
}

int cloud_check(const run *u, es_err *e) {
  const cloud_run *c = u->cl;
  if (!c || !(c->x->budget_usd > 0) || c->peak <= c->x->budget_usd)
    return 0;
  return es_fail(e, ES_ERUNTIME,
                 "internal check failed: cloud spend %.10g in one budget period exceeds "
                 "budget_usd %.10g",
                 c->peak, c->x->budget_usd);
}

void cloud_ts_header(run *u) { fputs("\tcloud_up", u->ts); }

void cloud_ts_row(run *u, double t0, double t1) {
  cloud_run *c = u->cl;
  double up = 1;
  if (c && c->down_possible && t1 > t0)
    up = 1 - cur_down_in(c, &c->ts, t0, t1) / (t1 - t0);
  fprintf(u->ts, "\t%.6g", up);
}
