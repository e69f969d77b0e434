/* engine.c: the run loop.
 *
 * The event queue holds completions only (evq.h: one FIFO per service
 * class, i.e. per device entry and token count, merged in (time, sequence)
 * order); the workload yields arrivals in time order, and before each
 * arrival at t every completion at or before t is processed (so completions
 * precede arrivals at equal times, and equal-time completions leave in the
 * order they were scheduled). Then every admission whose window ended by t
 * leaves the cluster's window log (window.h: one log, since all devices
 * share W), so the dispatcher sees each device's `used` at t. No event is
 * processed at or after duration_s: busy periods still open then are cut at
 * the horizon.
 */
#include "engine.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "evq.h"
#include "rng.h"
#include "window.h"
#include "workload.h"

enum { EV_DONE = 1 };
enum { EVQ_MAX_CLASSES = 1 << 16 };

typedef struct run {
  const scn *s;
  es_result *r;
  dev *devs;
  size_t n;
  evq q;       /* completions */
  win log;     /* admissions still inside their window, every device */
  size_t ntok; /* token values: service class = spec * ntok + token index */
  uint64_t seq;
  wl w;
  disp d;
  gsl_rng *tok_rng;
  double from, to; /* statistics window [from, to), seconds */
  /* time series: interval k covers [k * ts_len, (k + 1) * ts_len) */
  FILE *ts;
  double ts_len;
  uint64_t ts_k;
  double ts_arr, ts_served, ts_redir, ts_drop, ts_tok_edge, ts_tok_cloud, ts_usd;
} run;

/* Length of [a, b) inside the statistics window. */
static double clip(const run *u, double a, double b) {
  if (a < u->from)
    a = u->from;
  if (b > u->to)
    b = u->to;
  return b > a ? b - a : 0;
}

es_result *es_result_new(const scn *s) {
  es_result *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->dev = calloc(s->ninst, sizeof *r->dev);
  if (!r->dev) {
    free(r);
    return NULL;
  }
  r->ndev = s->ninst;
  return r;
}

void es_result_free(es_result *r) {
  if (r)
    free(r->dev);
  free(r);
}

/* ---- setup ---------------------------------------------------------------- */

static int setup(run *u, const scn *s, uint64_t seed, const es_opts *o, es_result *r) {
  memset(u, 0, sizeof *u);
  u->s = s;
  u->r = r;
  u->n = s->ninst;
  u->from = o->warmup_s;
  u->to = s->duration_s;
  /* 64-byte aligned, so each device's field groups sit on their own lines */
  u->devs = aligned_alloc(_Alignof(dev), u->n * sizeof *u->devs);
  if (!u->devs)
    return -1;
  memset(u->devs, 0, u->n * sizeof *u->devs);
  uint64_t slots = 0;
  size_t k = 0;
  for (size_t i = 0; i < s->ndev; i++) {
    const scn_device *sd = &s->dev[i];
    for (uint64_t j = 0; j < sd->count; j++, k++) {
      dev *d = &u->devs[k];
      d->max_par = (uint32_t)sd->max_parallel; /* <= 10^6 */
      d->spec = (uint32_t)i;
      d->cap_tokens = sd->token_capacity;
      slots += sd->max_parallel;
      if (sd->count == 1)
        snprintf(r->dev[k].name, sizeof r->dev[k].name, "%s", sd->name);
      else
        snprintf(r->dev[k].name, sizeof r->dev[k].name, "%s[%llu]", sd->name,
                 (unsigned long long)j);
    }
  }
  /* One window log for all devices: they share W (the scenario's one
   * limiter.window_s). */
  if (win_init(&u->log, s->lim.window_s))
    return -1;
  /* One FIFO per service class; past EVQ_MAX_CLASSES classes, a plain heap
   * of every completion, reserved for the slots (completions in flight never
   * exceed them; capped, beyond it the heap doubles). Either way the run
   * allocates nothing per event in steady state. */
  u->ntok = s->wl.tokens.n;
  size_t classes = s->ndev * u->ntok;
  if (evq_init(&u->q, classes <= EVQ_MAX_CLASSES ? classes : 0,
               slots < (1u << 22) ? (size_t)slots + 1 : (1u << 22)))
    return -1;
  if (wl_init(&u->w, s, seed) || disp_init(&u->d, s->policy, u->devs, u->n, seed) ||
      !(u->tok_rng = rng_stream_new(seed, RNG_TOKENS)))
    return -1;
  if (o->scan_dispatch)
    disp_use_scan(&u->d);
  for (int i = 0; i < 3; i++)
    hist_init(&r->lat_hist[i]);
  snprintf(r->scenario, sizeof r->scenario, "%s", s->name);
  r->seed = seed;
  r->policy = scn_policy_name(s->policy);
  u->ts = o->ts;
  u->ts_len = s->wl.kind == WL_STEPS ? s->wl.step_s : o->ts_interval_s > 0 ? o->ts_interval_s : 60;
  return 0;
}

static void teardown(run *u) {
  free(u->devs);
  win_destroy(&u->log);
  evq_destroy(&u->q);
  wl_destroy(&u->w);
  disp_destroy(&u->d);
  if (u->tok_rng)
    gsl_rng_free(u->tok_rng);
}

/* ---- time series ------------------------------------------------------------ */

static void ts_header(run *u) {
  fprintf(u->ts, "t\tarrivals\tedge_served\tredirected\tdropped\ttokens_edge\ttokens_cloud\t"
                 "cloud_usd");
  for (size_t i = 0; i < u->n; i++)
    fprintf(u->ts, "\tutil_%s", u->r->dev[i].name);
  fputc('\n', u->ts);
}

/* Writes the row of interval ts_k and starts the next one. */
static void ts_flush(run *u) {
  double t0 = (double)u->ts_k * u->ts_len, t1 = t0 + u->ts_len;
  if (t1 > u->s->duration_s)
    t1 = u->s->duration_s;
  fprintf(u->ts, "%.10g\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.10g", t0, u->ts_arr, u->ts_served,
          u->ts_redir, u->ts_drop, u->ts_tok_edge, u->ts_tok_cloud, u->ts_usd);
  double scale = u->s->lim.window_s / (t1 - t0);
  for (size_t i = 0; i < u->n; i++) {
    dev *d = &u->devs[i];
    fprintf(u->ts, "\t%.6g", (double)d->ts_tokens / (double)d->cap_tokens * scale);
    d->ts_tokens = 0;
  }
  fputc('\n', u->ts);
  u->ts_arr = u->ts_served = u->ts_redir = u->ts_drop = 0;
  u->ts_tok_edge = u->ts_tok_cloud = u->ts_usd = 0;
  u->ts_k++;
}

/* Flushes every interval that ends at or before t. */
static void ts_advance(run *u, double t) {
  while ((double)(u->ts_k + 1) * u->ts_len <= t && (double)u->ts_k * u->ts_len < u->s->duration_s)
    ts_flush(u);
}

/* ---- events ------------------------------------------------------------------ */

static void complete(run *u, const heap_ev *ev) {
  dev *d = &u->devs[ev->arg];
  if (--d->inflight == 0)
    d->busy_s += clip(u, d->busy_since, ev->t);
  disp_completed(&u->d, ev->arg);
}

/* Processes every completion due at or before t; returns how many. */
static double complete_due(run *u, double t) {
  double n = 0;
  while (evq_next_t(&u->q) <= t) {
    heap_ev ev;
    evq_pop(&u->q, &ev);
    complete(u, &ev);
    n++;
  }
  return n;
}

/* Takes out of the window every admission that left it by t. */
static void expire(run *u, double t) {
  win_entry e;
  while (win_pop_due(&u->log, t, &e)) {
    u->devs[e.dev].used -= e.tokens;
    disp_expired(&u->d, e.dev);
  }
}

static int admit(run *u, size_t i, double t, uint64_t tok, size_t tok_index) {
  dev *d = &u->devs[i];
  if (win_add(&u->log, t, (uint32_t)i, tok))
    return -1;
  d->used += tok;
  if (d->inflight++ == 0)
    d->busy_since = t;
  disp_admitted(&u->d, i);
  const scn_device *sd = &u->s->dev[d->spec]; /* a few entries: always cached */
  double service = sd->ttft_s + (double)tok / sd->tgs;
  heap_ev ev = {t + service, u->seq++, EV_DONE, (uint32_t)i};
  if (evq_push(&u->q, d->spec * u->ntok + tok_index, ev))
    return -1;
  u->ts_served++;
  u->ts_tok_edge += (double)tok;
  d->ts_tokens += tok;
  d->slot_s += clip(u, t, t + service); /* the part inside [from, to), like busy_s */
  if (t < u->from)
    return 0;
  es_result *r = u->r;
  d->served++;
  d->tokens += tok;
  r->edge_served++;
  r->tok_edge += (double)tok;
  r->utility_sum += u->s->alpha * sd->quality + (1 - u->s->alpha) * sd->ttft_s;
  hist_add(&r->lat_hist[0], service); /* "all" is edge + cloud, merged in finish() */
  return 0;
}

static void reject(run *u, long picked, double t, uint64_t prompt, uint64_t tok) {
  const scn *s = u->s;
  es_result *r = u->r;
  int counted = t >= u->from;
  if (picked >= 0 && counted)
    u->devs[picked].rejected++;
  if (!s->cloud.enabled) {
    u->ts_drop++;
    if (counted)
      r->dropped++, r->tok_dropped += (double)tok;
    return;
  }
  double usd = ((double)prompt * s->cloud.price_in + (double)tok * s->cloud.price_out) / 1e6;
  u->ts_redir++;
  u->ts_tok_cloud += (double)tok;
  u->ts_usd += usd;
  if (!counted)
    return;
  double lat = s->cloud.rtt_s + s->cloud.ttft_s + (double)tok / s->cloud.tgs;
  r->redirected++;
  r->tok_cloud += (double)tok;
  r->utility_sum += s->alpha * s->cloud.quality + (1 - s->alpha) * s->cloud.ttft_s;
  r->cloud_usd += usd;
  hist_add(&r->lat_hist[1], lat);
}

static int arrive(run *u, double t) {
  uint64_t prompt, tok;
  size_t tok_index = 0; /* service class; traces have none (ntok == 0) */
  if (u->s->wl.kind == WL_TRACE) {
    prompt = u->w.prompt, tok = u->w.tokens;
  } else {
    prompt = dist_draw(&u->s->wl.prompt, u->tok_rng);
    tok_index = dist_draw_index(&u->s->wl.tokens, u->tok_rng);
    tok = u->s->wl.tokens.values[tok_index];
  }
  if (u->ts)
    ts_advance(u, t);
  u->ts_arr++;
  if (t >= u->from)
    u->r->generated++, u->r->tok_generated += (double)tok;
  expire(u, t);
  long i = disp_pick(&u->d, tok);
  if (i >= 0 && dev_admits(&u->devs[i], tok))
    return admit(u, (size_t)i, t, tok, tok_index);
  reject(u, i, t, prompt, tok);
  return 0;
}

/* ---- results ------------------------------------------------------------------ */

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

static void finish_devices(run *u) {
  const scn *s = u->s;
  es_result *r = u->r;
  double span = u->to - u->from, sum = 0, sum2 = 0, slots = 0;
  r->energy_wh = 0;
  for (size_t i = 0; i < u->n; i++) {
    dev *d = &u->devs[i];
    const scn_device *sd = &s->dev[d->spec];
    es_dev_result *o = &r->dev[i];
    if (d->inflight)
      d->busy_s += clip(u, d->busy_since, u->to);
    o->served = (double)d->served;
    o->rejected = (double)d->rejected;
    o->tokens = (double)d->tokens;
    o->token_utilization = ratio((double)d->tokens, (double)d->cap_tokens * span / s->lim.window_s);
    o->slot_utilization = ratio(d->slot_s, (double)d->max_par * span);
    o->energy_wh =
        (sd->power_idle_w * span + (sd->power_active_w - sd->power_idle_w) * d->busy_s) / 3600.0;
    r->energy_wh += o->energy_wh;
    sum += o->token_utilization;
    sum2 += o->token_utilization * o->token_utilization;
    slots += o->slot_utilization;
  }
  double n = (double)u->n, var = sum2 / n - (sum / n) * (sum / n);
  r->util_mean = sum / n;
  r->util_std = var > 0 ? sqrt(var) : 0;
  r->util_cv = ratio(r->util_std, r->util_mean);
  r->slot_mean = slots / n;
}

static void finish(run *u) {
  es_result *r = u->r;
  finish_devices(u);
  r->energy_usd = r->energy_wh / 1000.0 * u->s->energy_price;
  r->total_usd = r->energy_usd + r->cloud_usd;
  r->cpr_edge = ratio(r->energy_usd, r->edge_served);
  r->cpr_cloud = ratio(r->cloud_usd, r->redirected);
  r->rejected_fraction = ratio(r->redirected + r->dropped, r->generated);
  r->tok_cloud_fraction = ratio(r->tok_cloud, r->tok_generated);
  if (u->s->has_quality) { /* the paper's Section IV, per request; PCR per cent */
    r->pcr_utility = ratio(r->utility_sum, r->generated); /* dropped: U = 0 */
    r->pcr_cpr = ratio(r->total_usd, r->generated);
    r->pcr_ratio = ratio(r->pcr_utility, 100 * r->pcr_cpr);
  }
  hist_init(&r->lat_hist[2]);
  hist_merge(&r->lat_hist[2], &r->lat_hist[0]);
  hist_merge(&r->lat_hist[2], &r->lat_hist[1]);
  for (int k = 0; k < 3; k++) {
    const hist *h = &r->lat_hist[k];
    r->lat[k][0] = hist_mean(h);
    r->lat[k][1] = hist_quantile(h, 0.50);
    r->lat[k][2] = hist_quantile(h, 0.95);
    r->lat[k][3] = hist_quantile(h, 0.99);
  }
}

/* Conservation: every request and token is accounted for exactly once. */
static int check(const run *u, es_err *e) {
  const es_result *r = u->r;
  double served = 0, tokens = 0;
  for (size_t i = 0; i < u->n; i++)
    served += r->dev[i].served, tokens += r->dev[i].tokens;
  if (r->generated != r->edge_served + r->redirected + r->dropped || served != r->edge_served)
    return es_fail(e, ES_ERUNTIME,
                   "internal check failed: requests generated %.0f != edge %.0f + redirected "
                   "%.0f + dropped %.0f",
                   r->generated, r->edge_served, r->redirected, r->dropped);
  if (r->tok_generated != r->tok_edge + r->tok_cloud + r->tok_dropped || tokens != r->tok_edge)
    return es_fail(e, ES_ERUNTIME,
                   "internal check failed: tokens generated %.0f != edge %.0f + cloud %.0f + "
                   "dropped %.0f",
                   r->tok_generated, r->tok_edge, r->tok_cloud, r->tok_dropped);
  return 0;
}

int es_run(const scn *s, uint64_t seed, const es_opts *o, es_result *r, es_err *e) {
  run u;
  int rc = 0;
  if (setup(&u, s, seed, o, r)) {
    if (u.w.err.code) /* the trace changed since it was validated */
      rc = es_fail(e, ES_ERUNTIME, "%s", u.w.err.msg);
    else
      rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory setting up %zu devices", s->ninst);
    teardown(&u);
    return rc;
  }
  if (u.ts)
    ts_header(&u);
  double events = 0;
  for (double t = wl_next(&u.w); !rc && t < INFINITY; t = wl_next(&u.w)) {
    events += complete_due(&u, t); /* completions at t come before the arrival */
    rc = arrive(&u, t);
    events++;
  }
  /* The requests still in flight after the last arrival finish too: a device
   * is busy (for energy) until its last completion, not until duration_s. */
  if (!rc)
    events += complete_due(&u, u.to);
  if (rc || u.w.err.code) {
    if (u.w.err.code)
      rc = es_fail(e, ES_ERUNTIME, "%s", u.w.err.msg);
    else
      rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory during the run");
    teardown(&u);
    return rc;
  }
  if (u.ts)
    ts_advance(&u, INFINITY);
  finish(&u);
  r->events = events;
  rc = check(&u, e);
  teardown(&u);
  return rc;
}

/* ---- metric table ---------------------------------------------------------- */

static const struct {
  const char *name;
  size_t off;
} METRICS[] = {
#define ES_METRIC_ROW(name, field) {name, offsetof(es_result, field)},
    ES_METRICS(ES_METRIC_ROW)
#undef ES_METRIC_ROW
};

static const struct {
  const char *name;
  size_t off;
} DEV_METRICS[] = {
#define ES_DEV_ROW(name, field) {name, offsetof(es_dev_result, field)},
    ES_DEV_METRICS(ES_DEV_ROW)
#undef ES_DEV_ROW
};

size_t es_dev_metric_count(void) { return sizeof DEV_METRICS / sizeof DEV_METRICS[0]; }
const char *es_dev_metric_name(size_t k) { return DEV_METRICS[k].name; }
double es_dev_metric_value(const es_dev_result *d, size_t k) {
  return *(const double *)((const char *)d + DEV_METRICS[k].off);
}

size_t es_metric_count(void) { return sizeof METRICS / sizeof METRICS[0]; }
const char *es_metric_name(size_t i) { return METRICS[i].name; }
double es_metric_value(const es_result *r, size_t i) {
  return *(const double *)((const char *)r + METRICS[i].off);
}
