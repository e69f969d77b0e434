/* engine.c: the run loop.
 *
 * Two sources of events: the workload yields arrivals in time order, and
 * the calendar (cal.h) holds every other event, typed, in (time, sequence)
 * order: today completions (EV_DONE), which go to its per-class FIFOs while
 * service times are fixed. Before each arrival at t every calendar event
 * at or before t runs (so completions precede arrivals at equal times, and
 * equal-time events leave in the order they were scheduled), through the
 * table of event types below: a new event type is one row and a handler,
 * not a change to the loop. Then every limiter group is brought to t
 * (limiter.h), so the dispatcher sees each device's `used` at t. Busy
 * periods still open at duration_s are cut at the horizon.
 */
#include "engine.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "adapt.h"
#include "cloud.h"
#include "dispatch.h"
#include "faults.h"
#include "kinds.h"
#include "lim_sliding_window.h"
#include "limiter.h"
#include "observe.h"
#include "route.h"
#include "workload.h"

enum { EVQ_MAX_CLASSES = 1 << 16 };

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
  r->groups = es_metric_groups(s);
  if ((r->groups & ES_MG_SVC) && !(r->xh = malloc(9 * sizeof *r->xh))) { /* svc histograms */
    es_result_free(r);
    return NULL;
  }
  return r;
}

void es_result_free(es_result *r) {
  if (r)
    free(r->dev), free(r->xh);
  free(r);
}

/* ---- setup ---------------------------------------------------------------- */

static void on_drop(void *ctx, uint32_t i, double t) {
  run *u = ctx;
  disp_expired(&u->d, i);
  OBS_CALL(u, expire, t, i, 0);
  if (u->sv) /* queues: its head may start now */
    sv_dropped(u->sv, i, u->devs[i].inflight);
}

static int setup(run *u, const scn *s, uint64_t seed, const es_opts *o, es_result *r) {
  memset(u, 0, sizeof *u);
  u->s = s;
  u->r = r;
  u->n = s->ninst;
  u->from = o->warmup_s;
  u->to = s->duration_s;
  u->obs = o->obs;
  u->rq.esc = RQ_NO_ESC;
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
  if (lim_set_init(&u->lims, s, u->devs, u->n, on_drop, u))
    return -1;
  /* Completions of a fixed service time go to one FIFO per service class;
   * past EVQ_MAX_CLASSES classes (or for traces, whose token counts are
   * unbounded), to a plain heap reserved for the slots (completions in
   * flight never exceed them; capped, beyond it the heap doubles). Either
   * way the run allocates nothing per event in steady state. */
  u->ntok = s->wl.ops->classes(s->wl.cfg);
  size_t classes = (s->ndev + s->nlms) * u->ntok; /* stored LMs (route.h): their own blocks */
  /* With every device entry's service shared and no stored LM, nothing is
   * served for a fixed time: no classes, so the empty FIFO side is a plain
   * heap whose next event the calendar reads from one count, not from a
   * winner's head (the order of events is (t, ord) either way) */
  int fixed = !s->ext || s->nlms > 0;
  for (size_t i = 0; i < s->ndev && !fixed; i++)
    fixed = s->dev[i].service != SCN_SERVICE_SHARED;
  if (!fixed)
    classes = 0;
  if (cal_init(&u->q, classes <= EVQ_MAX_CLASSES ? classes : 0,
               slots < (1u << 22) ? (size_t)slots + 1 : (1u << 22)))
    return -1;
  if (classes && classes <= EVQ_MAX_CLASSES) {
    if (!(u->svc_s = malloc(classes * sizeof *u->svc_s)))
      return -1;
    for (size_t k = 0; k < classes; k++)
      u->svc_s[k] = NAN;
  }
  if (wl_init(&u->w, s, seed) || disp_init_run(&u->d, s, u->devs, u->n, &u->lims, seed))
    return -1;
  if (o->scan_dispatch)
    disp_use_scan(&u->d);
  if (!s->ext) /* no queues (svc.h): load_aware without its count of open devices */
    disp_without_queues(&u->d);
  if (cloud_setup(u, seed) || flt_setup(u, seed)) /* NULL state unless configured */
    return -1;
  if (route_setup(u, seed)) /* route.h: NULL state without `difficulty` */
    return -1;
  if (adapt_setup(u)) /* adapt.h: NULL state without limiter.adapt */
    return -1;
  u->xdone = u->fl || u->ad;
  for (int i = 0; i < 3; i++)
    hist_init(&r->lat_hist[i]);
  if (s->ext) { /* queues, shared service, prefill or slo: svc.h */
    if (sv_init(u))
      return -1;
    for (int i = 0; i < 9; i++)
      hist_init(&r->xh[i]);
  }
  snprintf(r->scenario, sizeof r->scenario, "%s", s->name);
  r->seed = seed;
  r->policy = scn_policy_name(s);
  u->ts = o->ts;
  double step = scn_step_s(s);
  u->ts_len = step > 0 ? step : o->ts_interval_s > 0 ? o->ts_interval_s : 60;
  return 0;
}

static void teardown(run *u) {
  sv_destroy(u);
  free(u->svc_s);
  free(u->devs);
  lim_set_destroy(&u->lims);
  cal_destroy(&u->q);
  wl_destroy(&u->w);
  disp_destroy(&u->d);
  cloud_teardown(u);
  flt_teardown(u);
  route_teardown(u); /* route.h */
  adapt_teardown(u);
}

/* ---- time series ------------------------------------------------------------ */

static void ts_header(run *u) {
  fprintf(u->ts, "t\tarrivals\tedge_served\tredirected\tdropped\ttokens_edge\ttokens_cloud\t"
                 "cloud_usd");
  for (size_t i = 0; i < u->n; i++)
    fprintf(u->ts, "\tutil_%s", u->r->dev[i].name);
  if (u->r->groups & ES_MG_FLT)
    flt_ts_header(u);
  if (u->ad) /* adapt.h: the windows' trajectory */
    adapt_ts_header(u);
  route_ts_header(u); /* route.h: the strategy's columns (model_switch's) */
  fputc('\n', u->ts);
}

/* Writes the row of interval ts_k and starts the next one. */
static void ts_flush(run *u) {
  double t0 = (double)u->ts_k * u->ts_len, t1 = t0 + u->ts_len;
  if (t1 > u->s->duration_s)
    t1 = u->s->duration_s;
  fprintf(u->ts, "%.10g\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.10g", t0, u->ts_arr, u->ts_served,
          u->ts_redir, u->ts_drop, u->ts_tok_edge, u->ts_tok_cloud, u->ts_usd);
  for (size_t i = 0; i < u->n; i++) {
    dev *d = &u->devs[i];
    double scale = u->s->dev[d->spec].lim.window_s / (t1 - t0);
    if (u->ad && adapt_is(u, (uint32_t)i)) /* W moves: C per window over the windows it gave */
      scale = 1 / adapt_ts_windows(u, (uint32_t)i, t1);
    fprintf(u->ts, "\t%.6g", (double)d->ts_tokens / (double)d->cap_tokens * scale);
    d->ts_tokens = 0;
  }
  if (u->r->groups & ES_MG_FLT)
    flt_ts_row(u, t0, t1);
  if (u->ad)
    adapt_ts_row(u);
  route_ts_row(u);
  fputc('\n', u->ts);
  u->ts_arr = u->ts_served = u->ts_redir = u->ts_drop = 0;
  u->ts_tok_edge = u->ts_tok_cloud = u->ts_usd = 0;
  u->ts_k++;
}

/* Flushes every interval that ends at or before t. */
void run_ts_advance(run *u, double t) {
  while ((double)(u->ts_k + 1) * u->ts_len <= t && (double)u->ts_k * u->ts_len < u->s->duration_s)
    ts_flush(u);
}

/* ---- events ------------------------------------------------------------------ */

/* The hot path comes in two copies, chosen once per run: SV 0 for runs
 * without queues or shared service (the paper's model, which pays no test
 * for them) and SV 1 for runs with (u->sv set). ES_HOT functions take SV as
 * a constant and are inlined into each copy. */
#define ES_HOT static inline __attribute__((always_inline))

/* A request finished on device ev->arg: its slot is free. (inline: run_due
 * calls it directly, and the observer hook must not cost it its inlining) */
ES_HOT int fire_done(run *u, const heap_ev *ev, int SV) {
  dev *d = &u->devs[ev->arg];
  if (--d->inflight == 0)
    d->busy_s += run_clip(u, d->busy_since, ev->t);
  disp_completed(&u->d, ev->arg);
  /* id 0: the observer finds the request by its planned end */
  OBS_CALL(u, done, ev->t, ev->arg, 0);
  if (SV) /* queues: the head may take the slot */
    return sv_try_start(u, ev->arg, ev->t);
  return 0;
}

int run_done(run *u, const heap_ev *ev) { return fire_done(u, ev, u->sv != NULL); }

/* The event types (ids in run.h): one row each. A new type is a row and a
 * handler. */
static const struct ev_type {
  const char *name;
  int (*fire)(run *u, const heap_ev *ev); /* 0, or -1 if out of memory */
} EV_TYPES[EV_TYPES_END] = {
    [EV_DONE] = {"done", run_done},
    /* faults.c */
    [EV_FDONE] = {"done (device with failures)", flt_fire_done},
    [EV_FAIL] = {"failure", flt_fire_fail},
    [EV_REPAIR] = {"repair", flt_fire_repair},
    /* cloud.c */
    [EV_RETRY] = {"cloud retry", cloud_fire_retry},
    [EV_CLOUD_DONE] = {"cloud done", cloud_fire_done},
    /* service.c, queue.c */
    [EV_SVC] = {"shared service completion", sv_fire_svc},
    [EV_PREFILL] = {"prefill end", sv_fire_prefill},
    [EV_DEADLINE] = {"queue deadline", sv_fire_deadline},
    [EV_READY] = {"queue head ready (limiter)", sv_fire_ready},
    /* route.c */
    [EV_ESC] = {"cascade escalation", route_fire_esc},
    [EV_ROUTE] = {"routing (model swap end)", route_fire},
    /* adapt.c */
    [EV_ADAPT] = {"adaptive window control", adapt_fire},
    [EV_ADONE] = {"done (adaptive device)", adapt_fire_done},
};

/* Runs every calendar event due at or before t, counting them in
 * u->events; 0, or -1 if a handler ran out of memory. Completions, the most
 * frequent type, are called directly (inlined). */
static inline int run_due(run *u, double t) {
  while (cal_next_t_k(&u->q, 0) <= t) { /* no timers without svc */
    heap_ev ev;
    cal_pop_k(&u->q, &ev, 0);
    u->events++;
    if (ev.kind == EV_DONE ? fire_done(u, &ev, 0) : EV_TYPES[ev.kind & EV_KIND_MASK].fire(u, &ev))
      return -1;
  }
  return 0;
}

/* Brings every limiter group to t; sliding windows (the paper's) inline. */
ES_HOT void advance_limiters_k(run *u, double t, int SV) {
  for (size_t k = 0; k < u->lims.n; k++) {
    lim_grp *g = &u->lims.g[k];
    uint32_t i;
    if (g->ops != &lim_sliding_window)
      lim_advance(g, t);
    else {
      if (u->obs)
        obs_window_due(u, g, t); /* the leave times, before they are popped */
      while (lim_sw_pop(g, t, &i)) {
        disp_expired(&u->d, i);
        if (SV)
          sv_dropped(u->sv, i, u->devs[i].inflight);
      }
    }
  }
}

static void advance_limiters(run *u, double t) { advance_limiters_k(u, t, 1); } /* svc runs */

/* sv_wake_all, called only when a drop remembered a device: most advances
 * remember none (sv_dropped leaves out devices without a free slot), and
 * the call with an empty list did nothing but cost its frame. */
static inline int wake_all(run *u, double t) { return u->sv->nwake ? sv_wake_all(u, t) : 0; }

/* run_due() for runs with queues (svc.h): while a request waits, window
 * expiries are events at their own times (before calendar events at the
 * same time), since a queue head may start at one; then every limiter is
 * brought to each event's time, so a head is tested against current
 * windows. Without waiting requests this is run_due(). */
static int run_due_sv(run *u, double t) {
  for (;;) {
    double tc = cal_next_t(&u->q);
    if (u->sv->queued) {
      const win *w1 = u->sv->sw1; /* one sliding window (the paper's): its head, inline */
      double tw = w1 ? win_next_expiry(w1) : sv_next_drop(u);
      if (tw <= tc && tw <= t && tw < INFINITY) {
        advance_limiters(u, tw);
        if (wake_all(u, tw))
          return -1;
        continue;
      }
      /* with sliding windows only, nothing drops before tw: nothing to do */
      if (tc <= t && tc < INFINITY && (!u->sv->sw_only || u->sv->nwake)) {
        advance_limiters(u, tc);
        if (wake_all(u, tc))
          return -1;
        if (cal_next_t(&u->q) != tc) /* a head that started took its own ready timer at tc */
          continue;
      }
    }
    if (tc > t || tc == INFINITY) /* t may be +inf: the final drain */
      return 0;
    heap_ev ev;
    cal_pop(&u->q, &ev);
    u->events++;
    if (EV_TYPES[ev.kind & EV_KIND_MASK].fire(u, &ev))
      return -1;
    tmr_settle(&u->q.tm); /* a popped timer's owner, moved once after its handler */
    if (u->q.tm.n) {      /* the next timer's device, likely the next event's: start its loads */
      uint32_t o = tmr_top_owner(&u->q.tm);
      __builtin_prefetch(&u->sv->sh[o]);
      __builtin_prefetch((const char *)&u->sv->sh[o] + 64);
      __builtin_prefetch(&u->devs[o]);
      __builtin_prefetch(&u->q.tm.slot[TMR_SUB * o]);
      __builtin_prefetch(&u->sv->q[o]);
    }
  }
}

__attribute__((noinline)) uint32_t run_done_kind(run *u, size_t i, double t_arr, double t,
                                                 uint64_t prompt, uint64_t tok, double service) {
  uint32_t k = u->fl ? flt_admit(u, i, t_arr, t, prompt, tok, service) : EV_DONE;
  return k == EV_DONE && u->ad ? adapt_done_kind(u, (uint32_t)i) : k;
}

/* An admission of the plain run loop, served with the numbers of lm (a
 * stored LM, its completion in class block lm->lm_class) or, when lm is
 * NULL (a constant: the branch folds away), of the device's entry. */
ES_HOT int admit_fixed(run *u, size_t i, double t, const wl_arrival *a, const scn_device *lm) {
  dev *d = &u->devs[i];
  uint64_t tok = a->tokens;
  lim_grp *g = &u->lims.g[d->grp];
  if (g->ops == &lim_sliding_window ? lim_sw_admit(g, (uint32_t)i, tok, t)
                                    : lim_admit(g, (uint32_t)i, tok, t))
    return -1;
  if (d->inflight++ == 0)
    d->busy_since = t;
  disp_admitted(&u->d, i);
  const scn_device *sd = lm ? lm : &u->s->dev[d->spec]; /* a few entries: always cached */
  size_t cls = (lm ? lm->lm_class : d->spec) * u->ntok + a->cls;
  double service = u->svc_s ? u->svc_s[cls] : NAN;
  if (__builtin_expect(isnan(service), 0)) { /* a class's first admission, or a trace */
    service = sd->ttft_s + (double)tok / sd->tgs;
    if (u->svc_s)
      u->svc_s[cls] = service;
  }
  uint32_t kind = u->xdone ? run_done_kind(u, i, t, t, a->prompt, tok, service) : EV_DONE;
  if (cal_push_fifo(&u->q, cls, t + service, kind, (uint32_t)i))
    return -1;
  OBS_CALL(u, admit, t, i, t, a, service);
  u->ts_served++;
  u->ts_tok_edge += (double)tok;
  d->ts_tokens += tok;
  d->slot_s += run_clip(u, t, t + service); /* the part inside [from, to), like busy_s */
  if (t < u->from)
    return 0;
  es_result *r = u->r;
  d->served++;
  d->tokens += tok;
  u->n_edge++;
  u->k_edge += tok;
  r->utility_sum += u->s->alpha * sd->quality + (1 - u->s->alpha) * sd->ttft_s;
  hist_add(&r->lat_hist[0], service); /* "all" is edge + cloud, merged in finish() */
  return 0;
}

ES_HOT int admit(run *u, size_t i, double t, const wl_arrival *a, int SV) {
  if (SV)
    return sv_start(u, (uint32_t)i, t, t, a->tokens, a->prompt, a->cls);
  return admit_fixed(u, i, t, a, NULL);
}

/* route.c's way in: an admission (with queues or shared service, sv_start). */
int run_admit(run *u, size_t i, double t, const wl_arrival *a) {
  return u->sv ? admit(u, i, t, a, 1) : admit(u, i, t, a, 0);
}

int run_admit_as(run *u, size_t i, double t, const wl_arrival *a, const scn_device *lm) {
  return admit_fixed(u, i, t, a, lm);
}

ES_HOT int arrive(run *u, double t, int SV) {
  const wl_arrival *a = &u->w.a;
  uint64_t tok = a->tokens;
  if (u->ts)
    run_ts_advance(u, t);
  u->ts_arr++;
  if (t >= u->from)
    u->n_gen++, u->k_gen += tok;
  advance_limiters_k(u, t, SV);
  if (SV && wake_all(u, t)) /* queue heads before the newcomer */
    return -1;
  OBS_CALL(u, arrive, t, a);
  if (u->rt) /* route.h: difficulty, the routing strategy, accuracy */
    return route_arrive(u, t, a);
  long i = disp_pick(&u->d, tok, t);
  if (i >= 0 && disp_admits(&u->d, (size_t)i, tok, t))
    return admit(u, (size_t)i, t, a, SV);
  if (SV) { /* no free slot or window: a queue with room takes it */
    int q = sv_offer(u, i, t, a->prompt, tok, a->cls);
    if (q)
      return q < 0 ? -1 : 0;
  }
  OBS_CALL(u, reject, t, i, a, obs_reason_of(u, i, tok));
  return cloud_reject(u, i, t, a->prompt, tok); /* cloud.h: to the cloud, or dropped */
}

/* A run without queues stops at duration_s, but a cascade's escalation of
 * an edge answer that completes later is still sent then (route.h): the
 * escalations and the cloud completions (max_concurrency) after duration_s
 * run, in time order; the rest of the calendar (edge completions, repairs)
 * stays unrun, as in any run without queues. */
static int drain_escalations(run *u) {
  while (route_pending(u) && cal_next_t(&u->q) < INFINITY) {
    heap_ev ev;
    cal_pop(&u->q, &ev);
    uint32_t k = ev.kind & EV_KIND_MASK;
    if (k != EV_ESC && k != EV_CLOUD_DONE && k != EV_RETRY)
      continue;
    u->events++;
    if (EV_TYPES[k].fire(u, &ev))
      return -1;
  }
  return 0;
}

/* Whether a sliding-window group's log reached its bound (window.h). */
static int window_full(const run *u) {
  for (size_t k = 0; k < u->lims.n; k++)
    if (u->lims.g[k].ops == &lim_sliding_window && u->lims.g[k].st && win_full(u->lims.g[k].st))
      return 1;
  return adapt_full(u);
}

/* Every arrival, with the events due before each; 0 or -1. */
ES_HOT int arrivals(run *u, int SV) {
  int rc = 0;
  for (double t = wl_next(&u->w); !rc && t < INFINITY; t = wl_next(&u->w)) {
    rc = SV ? run_due_sv(u, t) : run_due(u, t); /* events at t come before the arrival */
    if (!rc)
      rc = arrive(u, t, SV);
    u->events++;
  }
  return rc;
}

static int arrivals_plain(run *u) { return arrivals(u, 0); }
static int arrivals_sv(run *u) { return arrivals(u, 1); }

/* ---- results ------------------------------------------------------------------ */

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

static void finish_devices(run *u) {
  const scn *s = u->s;
  es_result *r = u->r;
  double span = u->to - u->from, sum = 0, slots = 0;
  r->energy_wh = 0;
  for (size_t i = 0; i < u->n; i++) {
    dev *d = &u->devs[i];
    const scn_device *sd = &s->dev[d->spec];
    es_dev_result *o = &r->dev[i];
    if (d->inflight)
      d->busy_s += run_clip(u, d->busy_since, u->to);
    o->served = (double)d->served;
    o->rejected = (double)d->rejected;
    o->tokens = (double)d->tokens;
    double cap = (double)d->cap_tokens * span / sd->lim.window_s;
    if (u->ad && adapt_is(u, (uint32_t)i)) /* adapt.h: C per window, over the windows it gave */
      cap = (double)d->cap_tokens * adapt_windows(u, (uint32_t)i);
    o->token_utilization = ratio((double)d->tokens, cap);
    o->slot_utilization = ratio(d->slot_s, (double)d->max_par * span);
    o->energy_wh =
        (sd->power_idle_w * span + (sd->power_active_w - sd->power_idle_w) * d->busy_s) / 3600.0;
    r->energy_wh += o->energy_wh;
    sum += o->token_utilization;
    slots += o->slot_utilization;
  }
  /* Two passes: the mean, then squared deviations from it (sum2/n - mean^2
   * cancels: three equal utilizations gave a std of 3.3e-10, not 0). */
  double n = (double)u->n, mean = sum / n, dev2 = 0;
  for (size_t i = 0; i < u->n; i++)
    dev2 += (r->dev[i].token_utilization - mean) * (r->dev[i].token_utilization - mean);
  r->util_mean = mean;
  r->util_std = sqrt(dev2 / n);
  r->util_cv = ratio(r->util_std, r->util_mean);
  r->slot_mean = slots / n;
}

static void finish(run *u) {
  es_result *r = u->r;
  r->generated = (double)u->n_gen, r->edge_served = (double)u->n_edge;
  r->redirected = (double)u->n_redir, r->dropped = (double)u->n_drop;
  r->tok_generated = (double)u->k_gen, r->tok_edge = (double)u->k_edge;
  r->tok_cloud = (double)u->k_cloud, r->tok_dropped = (double)u->k_drop;
  finish_devices(u);
  cloud_finish(u); /* cloud.h, faults.h: availability, drop reasons, energy while down */
  flt_finish(u);
  if (u->sv)
    sv_finish(u);
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
  route_finish(u); /* route.h: accuracy; escalations are not rejections */
}

/* Conservation: every request and token is accounted for exactly once
 * (in integers). */
static int check(const run *u, es_err *e) {
  uint64_t served = 0, tokens = 0;
  for (size_t i = 0; i < u->n; i++)
    served += u->devs[i].served, tokens += u->devs[i].tokens;
  /* a cascade's escalation (route.h) is in both n_edge and n_redir */
  if (u->n_gen + u->n_esc != u->n_edge + u->n_redir + u->n_drop || served != u->n_edge)
    return es_fail(e, ES_ERUNTIME,
                   "internal check failed: requests generated %llu != edge %llu + redirected "
                   "%llu + dropped %llu",
                   (unsigned long long)u->n_gen, (unsigned long long)u->n_edge,
                   (unsigned long long)u->n_redir, (unsigned long long)u->n_drop);
  if (u->k_gen + u->k_esc != u->k_edge + u->k_cloud + u->k_drop || tokens != u->k_edge)
    return es_fail(e, ES_ERUNTIME,
                   "internal check failed: tokens generated %llu != edge %llu + cloud %llu + "
                   "dropped %llu",
                   (unsigned long long)u->k_gen, (unsigned long long)u->k_edge,
                   (unsigned long long)u->k_cloud, (unsigned long long)u->k_drop);
  if (route_pending(u))
    return es_fail(e, ES_ERUNTIME, "internal check failed: %lu cascade escalations never settled",
                   (unsigned long)route_pending(u));
  double l, w;
  if (u->sv && u->sv->n_timed_out > u->n_redir + u->n_drop)
    return es_fail(e, ES_ERUNTIME, "internal check failed: timed out %llu > redirected + dropped",
                   (unsigned long long)u->sv->n_timed_out);
  if (u->sv && sv_check_little(u, &l, &w))
    return es_fail(e, ES_ERUNTIME,
                   "internal check failed: Little's law: time integral of the queue lengths "
                   "%.17g s != sum of the waits %.17g s",
                   l, w);
  return flt_check(u, e); /* dropped by reason, the budget cap */
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
  OBS_CALL(&u, start, 0.0);
  rc = u.sv ? arrivals_sv(&u) : arrivals_plain(&u);
  /* The requests still in flight after the last arrival finish too: a device
   * is busy (for energy) until its last completion, not until duration_s.
   * With queues or shared service, every request that arrived is followed
   * to its end (queues drain, decodes finish; time-based statistics stay
   * clipped to [from, to)), so its waits and latencies are known. */
  if (!rc)
    rc = u.sv ? run_due_sv(&u, INFINITY) : run_due(&u, u.to);
  if (!rc && route_pending(&u)) /* without queues: escalations still due (route.h) */
    rc = drain_escalations(&u);
  if (rc || u.w.err.code) {
    if (u.w.err.code)
      rc = es_fail(e, ES_ERUNTIME, "%s", u.w.err.msg);
    else if (window_full(&u))
      rc = es_fail(e, ES_ERUNTIME,
                   "edgesim: a sliding window log holds %zu admissions at once (1 GiB), its "
                   "bound: the devices of one limiter group admit too many requests inside one "
                   "window; use a shorter window_s or fewer, larger requests",
                   (size_t)WIN_MAX_ENTRIES);
    else
      rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory during the run");
    teardown(&u);
    return rc;
  }
  if (u.ts)
    run_ts_advance(&u, INFINITY);
  OBS_CALL(&u, end, u.to);
  finish(&u);
  r->events = u.events;
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
int es_dev_metric_shown(size_t k, unsigned groups) {
  size_t off = DEV_METRICS[k].off;
  if (off < offsetof(es_dev_result, availability))
    return 1;
  return (groups & (off < offsetof(es_dev_result, timed_out) ? ES_MG_FLT : ES_MG_SVC)) != 0;
}
const char *es_dev_metric_name(size_t k) { return DEV_METRICS[k].name; }
double es_dev_metric_value(const es_dev_result *d, size_t k) {
  return *(const double *)((const char *)d + DEV_METRICS[k].off);
}

size_t es_metric_count(void) { return sizeof METRICS / sizeof METRICS[0]; }

/* The opt-in groups' parts of es_result, first match wins (the escalation
 * count sits inside the routing group but has a group of its own). */
static const struct {
  size_t off, size;
  unsigned group;
} METRIC_GROUPS[] = {
    {offsetof(es_result, x), sizeof(struct es_flt_result), ES_MG_FLT},
    {offsetof(es_result, q), sizeof(struct es_svc_result), ES_MG_SVC},
    {offsetof(es_result, rq.esc_refused), sizeof(double), ES_MG_ESC},
    {offsetof(es_result, rq), sizeof(struct es_route_result), ES_MG_ROUTE},
    {offsetof(es_result, sw), sizeof(struct es_switch_result), ES_MG_SWITCH},
};

int es_metric_shown(size_t i, unsigned groups) {
  size_t off = METRICS[i].off;
  for (size_t k = 0; k < sizeof METRIC_GROUPS / sizeof METRIC_GROUPS[0]; k++)
    if (off >= METRIC_GROUPS[k].off && off < METRIC_GROUPS[k].off + METRIC_GROUPS[k].size)
      return (groups & METRIC_GROUPS[k].group) != 0;
  return 1;
}
unsigned es_metric_groups(const scn *s) {
  unsigned g = (s->cx.ext ? ES_MG_FLT : 0) | (s->ext ? ES_MG_SVC : 0);
  if (s->rt.has_diff)
    g |= ES_MG_ROUTE;
  if (s->rt.has_diff && s->rt.ops == &route_cascade && s->cx.ext)
    g |= ES_MG_ESC; /* route.h: its cloud can refuse an escalation */
  if (s->rt.ops == &route_model_switch)
    g |= ES_MG_SWITCH;
  for (size_t i = 0; i < s->ndev; i++)
    if (s->dev[i].has_failure)
      g |= ES_MG_FLT;
  return g;
}
const char *es_metric_name(size_t i) { return METRICS[i].name; }
double es_metric_value(const es_result *r, size_t i) {
  return *(const double *)((const char *)r + METRICS[i].off);
}
