/* faults.c: device failures (faults.h). */
#include "faults.h"

#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "rng.h"
#include "route.h"
#include "run.h"

#define FOFF(m) offsetof(scn_device, failure.m)
#define SLOT_FREE UINT64_MAX /* no completion pending */

static const char *const DIST_NAMES[] = {"exponential", "weibull", NULL};
static const char *const ON_FAIL[] = {"redirect", "drop", NULL};

const key_row FLT_FAILURE_KEYS[] = {
    KEY_NUM("mtbf_s", FOFF(mtbf_s), 0, 1e9, K_REQ | K_LOX, NULL,
            "mean time between failures (mean up time), seconds"),
    KEY_NUM("mttr_s", FOFF(mttr_s), 0, 1e9, K_REQ | K_LOX, NULL, "mean time to repair, seconds"),
    KEY_ENUM("distribution", FOFF(dist), DIST_NAMES, 0, "\"exponential\"",
             "up and down times: exponential, or weibull with `shape`"),
    KEY_NUM("shape", FOFF(shape), 0.1, 20, 0, NULL, "Weibull shape k (weibull only)"),
    KEY_ENUM("on_fail", FOFF(on_fail), ON_FAIL, 0, "\"redirect\"",
             "requests in flight at a failure: redirect to the cloud, or drop (lost)"),
    KEY_END};

int flt_check_cfg(kctx *c, scn *s) {
  char p[64];
  for (size_t i = 0; i < s->ndev; i++) {
    snprintf(p, sizeof p, "devices[%zu].failure", i);
    if (s->dev[i].has_failure && flt_renewal_check(c, &s->dev[i].failure, p))
      return c->e->code;
  }
  return 0;
}

/* ---- the run's state ------------------------------------------------------------- */

typedef struct flt_slot {
  double t_arr, t_start, service; /* arrival, admission (later with queues), service time, s */
  uint64_t seq;                   /* its completion event's sequence number; SLOT_FREE */
  uint64_t prompt, tok;
  rq_tag rq; /* routing (route.h): what it carries */
} flt_slot;

typedef struct flt_dev {
  size_t base;    /* its slots: slot[base .. base + P) */
  uint32_t P;     /* 0: no failures configured */
  uint32_t nfree; /* free slot indices: stk[base .. base + nfree) */
  int down;
  double down_since, down_s; /* down_s: inside [from, to) */
} flt_dev;

struct flt_run {
  gsl_rng *r;
  flt_slot *slot;
  uint32_t *stk;
  flt_dev *fd;
  size_t n_up;            /* devices up now */
  double up_acc, up_last; /* device-seconds up in the time-series interval, up to up_last */
  uint64_t n_lost, n_fo;  /* counted requests */
  double ts_lost, ts_fo;
};

void dev_set_open(run *u, size_t i, int open, uint32_t reason) {
  dev *d = &u->devs[i];
  uint32_t was = d->closed;
  d->closed = open ? was & ~reason : was | reason;
  if (!was == !d->closed)
    return;
  d->max_par = d->closed ? 0 : (uint32_t)u->s->dev[d->spec].max_parallel;
  disp_expired(&u->d, i); /* policies with an index re-read the device (O(log D)) */
}

int flt_setup(run *u, uint64_t seed) {
  const scn *s = u->s;
  size_t slots = 0;
  int any = 0;
  for (size_t i = 0; i < s->ndev; i++)
    if (s->dev[i].has_failure)
      any = 1, slots += s->dev[i].count * s->dev[i].max_parallel;
  if (!any)
    return 0;
  flt_run *f = calloc(1, sizeof *f);
  if (!(u->fl = f))
    return -1;
  f->r = rng_stream_new(seed, RNG_FAULTS);
  f->fd = calloc(u->n, sizeof *f->fd);
  f->slot = malloc(slots * sizeof *f->slot);
  f->stk = malloc(slots * sizeof *f->stk);
  if (!f->r || !f->fd || !f->slot || !f->stk)
    return -1;
  f->n_up = u->n;
  size_t base = 0;
  for (size_t i = 0; i < u->n; i++) {
    const scn_device *sd = &s->dev[u->devs[i].spec];
    flt_dev *fd = &f->fd[i];
    if (!sd->has_failure)
      continue;
    fd->base = base, fd->P = fd->nfree = (uint32_t)sd->max_parallel;
    for (uint32_t k = 0; k < fd->P; k++)
      f->slot[base + k].seq = SLOT_FREE, f->stk[base + k] = fd->P - 1 - k;
    base += fd->P;
    double first = flt_renewal_draw(&sd->failure, f->r, 0);
    if (first < u->to && cal_push(&u->q, first, EV_FAIL, (uint32_t)i))
      return -1;
  }
  return 0;
}

void flt_teardown(run *u) {
  flt_run *f = u->fl;
  if (!f)
    return;
  gsl_rng_free(f->r); /* NULL: nothing */
  free(f->fd);
  free(f->slot);
  free(f->stk);
  free(f);
  u->fl = NULL;
}

uint32_t flt_admit(run *u, size_t i, double t_arr, double t, uint64_t prompt, uint64_t tok,
                   double service) {
  flt_dev *fd = &u->fl->fd[i];
  if (!fd->P)
    return EV_DONE;
  uint32_t k = u->fl->stk[fd->base + --fd->nfree]; /* inflight < P: one is free */
  u->fl->slot[fd->base + k] = (flt_slot){t_arr, t, service, u->q.seq, prompt, tok, u->rq};
  return EV_FDONE | k << 8;
}

int flt_fire_done(run *u, const heap_ev *ev) {
  flt_dev *fd = &u->fl->fd[ev->arg];
  uint32_t k = ev->kind >> 8;
  flt_slot *sl = &u->fl->slot[fd->base + k];
  if (sl->seq != ev->ord) /* cut by a failure: stale */
    return 0;
  sl->seq = SLOT_FREE;
  u->fl->stk[fd->base + fd->nfree++] = k;
  return run_done(u, ev);
}

/* Device-seconds up, accumulated to t (for the time series). */
static void up_to(flt_run *f, double t) {
  f->up_acc += (double)f->n_up * (t - f->up_last);
  f->up_last = t;
}

/* Request in slot sl of device i, cut at t: no longer served at the edge. */
static int cut(run *u, size_t i, flt_slot *sl, double t) {
  dev *d = &u->devs[i];
  flt_run *f = u->fl;
  const scn *s = u->s;
  const scn_device *sd = &s->dev[d->spec];
  int counted = sl->t_arr >= u->from;
  double end = sl->t_start + sl->service;
  d->slot_s -= run_clip(u, t, end); /* the part it no longer holds */
  if (counted) {
    d->served--, d->tokens -= sl->tok;
    u->n_edge--, u->k_edge -= sl->tok;
    u->r->utility_sum -= s->alpha * sd->quality + (1 - s->alpha) * sd->ttft_s;
    if (u->sv) /* queues: the statistics sv_start recorded */
      sv_unrecord(u, sl->t_arr, sl->t_start, sl->t_start + sd->ttft_s, end, sl->tok);
    else
      hist_remove(&u->r->lat_hist[0], sl->service);
  }
  sl->seq = SLOT_FREE;
  (void)f;
  u->rq = sl->rq;
  if (counted && u->rt)
    route_edge_cut(u, i); /* route.h: its answer's accuracy, or its escalation, goes */
  return flt_cut_send(u, i, t, sl->t_arr, sl->prompt, sl->tok, counted);
}

int flt_cut_send(run *u, size_t i, double t, double t_arr, uint64_t prompt, uint64_t tok,
                 int counted) {
  flt_run *f = u->fl;
  if (u->s->dev[u->devs[i].spec].failure.on_fail == FLT_DROP) {
    u->ts_drop++, f->ts_lost++;
    if (counted)
      u->n_drop++, u->k_drop += tok, f->n_lost++;
    return 0;
  }
  f->ts_fo++;
  f->n_fo += (uint64_t)counted;
  return cloud_send(u, t_arr, t, prompt, tok, counted);
}

int flt_fire_fail(run *u, const heap_ev *ev) {
  flt_run *f = u->fl;
  size_t i = ev->arg;
  double t = ev->t;
  flt_dev *fd = &f->fd[i];
  dev *d = &u->devs[i];
  if (u->ts)
    run_ts_advance(u, t);
  up_to(f, t);
  f->n_up--;
  fd->down = 1, fd->down_since = t;
  for (uint32_t k = 0; k < fd->P; k++) /* O(P), once per failure */
    if (f->slot[fd->base + k].seq != SLOT_FREE) {
      if (cut(u, i, &f->slot[fd->base + k], t))
        return -1;
      f->stk[fd->base + fd->nfree++] = k;
    }
  if (u->sv && sv_cut(u, (uint32_t)i, t)) /* shared service: its requests (service.c) */
    return -1;
  if (d->inflight)
    d->busy_s += run_clip(u, d->busy_since, t);
  d->inflight = 0;
  dev_set_open(u, i, 0, DEV_CLOSED_FAULT);
  const flt_renewal *fr = &u->s->dev[d->spec].failure;
  /* the repair even after duration_s: runs with queues drain past it */
  return cal_push(&u->q, t + flt_renewal_draw(fr, f->r, 1), EV_REPAIR, (uint32_t)i);
}

int flt_fire_repair(run *u, const heap_ev *ev) {
  flt_run *f = u->fl;
  size_t i = ev->arg;
  double t = ev->t;
  flt_dev *fd = &f->fd[i];
  if (u->ts)
    run_ts_advance(u, t);
  up_to(f, t);
  f->n_up++;
  fd->down = 0;
  fd->down_s += run_clip(u, fd->down_since, t);
  dev_set_open(u, i, 1, DEV_CLOSED_FAULT);
  if (u->sv && sv_try_start(u, (uint32_t)i, t)) /* its queue's heads, up again */
    return -1;
  const flt_renewal *fr = &u->s->dev[u->devs[i].spec].failure;
  double next = t + flt_renewal_draw(fr, f->r, 0);
  /* no failure at or after duration_s (none would run: nothing changes,
   * and runs with queues, which drain past it, end) */
  return next < u->to ? cal_push(&u->q, next, EV_FAIL, (uint32_t)i) : 0;
}

/* ---- results ------------------------------------------------------------------------ */

void flt_finish(run *u) {
  es_result *r = u->r;
  flt_run *f = u->fl;
  double span = u->to - u->from, avail = 0;
  for (size_t i = 0; i < u->n; i++) {
    es_dev_result *o = &r->dev[i];
    o->availability = 1;
    o->down_s = 0;
    if (f && f->fd[i].P) {
      flt_dev *fd = &f->fd[i];
      if (fd->down)
        fd->down_s += run_clip(u, fd->down_since, u->to), fd->down = 0;
      const scn_device *sd = &u->s->dev[u->devs[i].spec];
      double idle_wh = sd->power_idle_w * fd->down_s / 3600.0; /* a failed device draws nothing */
      o->energy_wh -= idle_wh;
      r->energy_wh -= idle_wh;
      o->down_s = fd->down_s;
      o->availability = span > 0 ? 1 - fd->down_s / span : 1;
    }
    avail += o->availability;
  }
  r->x.devices_availability = u->n ? avail / (double)u->n : 1;
  r->x.lost = f ? (double)f->n_lost : 0;
  r->x.failed_over = f ? (double)f->n_fo : 0;
  r->x.cloud_disabled =
      (double)u->n_drop - r->x.lost - r->x.unavailable - r->x.rate_limited - r->x.over_budget;
  r->x.answered_fraction = /* an answered escalation is in both n_edge and n_redir */
      u->n_gen ? (double)(u->n_edge + u->n_redir - u->n_esc) / (double)u->n_gen : 0;
}

int flt_check(const run *u, es_err *e) {
  const es_result *r = u->r;
  if (!(r->groups & ES_MG_FLT))
    return 0;
  if (r->x.cloud_disabled < 0 || (r->x.cloud_disabled > 0 && u->s->cloud.enabled))
    return es_fail(e, ES_ERUNTIME,
                   "internal check failed: dropped %llu != lost %.0f + unavailable %.0f + rate "
                   "limited %.0f + over budget %.0f (cloud enabled)",
                   (unsigned long long)u->n_drop, r->x.lost, r->x.unavailable, r->x.rate_limited,
                   r->x.over_budget);
  return cloud_check(u, e);
}

void flt_ts_header(run *u) {
  cloud_ts_header(u);
  fputs("\tdevices_up\tfailed_over\tlost", u->ts);
}

void flt_ts_row(run *u, double t0, double t1) {
  flt_run *f = u->fl;
  cloud_ts_row(u, t0, t1);
  double up = (double)u->n;
  if (f) {
    up_to(f, t1);
    up = t1 > t0 ? f->up_acc / (t1 - t0) : (double)f->n_up;
    f->up_acc = 0;
  }
  fprintf(u->ts, "\t%.6g\t%.0f\t%.0f", up, f ? f->ts_fo : 0, f ? f->ts_lost : 0);
  if (f)
    f->ts_fo = f->ts_lost = 0;
}
