/* service.c: starting a request (fixed or shared service), processor
 * sharing with a per-device virtual clock, prefill, and the queue/service
 * statistics (svc.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adapt.h"
#include "faults.h"
#include "kinds.h"
#include "lim_sliding_window.h"
#include "observe.h"
#include "route.h"
#include "run.h"

/* A record's tag in runs without routing or an observer (svc.h: u->rq then) */
#define SV_NO_TAG ((rq_tag){0, 0, RQ_NO_ESC, 0})

/* ---- per-device heaps of requests (min by key) ------------------------------- */

static int h_push(sv_heap *h, sv_ent x) {
  if (h->n == h->cap) /* cannot happen: an entry per record (rq_take) */
    return -1;
  uint32_t k = h->n++;
  while (k > 0 && x.key < h->a[(k - 1) / 2].key) {
    h->a[k] = h->a[(k - 1) / 2];
    k = (k - 1) / 2;
  }
  h->a[k] = x;
  return 0;
}

static sv_ent h_pop(sv_heap *h) {
  sv_ent top = h->a[0], x = h->a[--h->n];
  uint32_t k = 0;
  for (;;) {
    uint32_t c = 2 * k + 1;
    if (c >= h->n)
      break;
    if (c + 1 < h->n && h->a[c + 1].key < h->a[c].key)
      c++;
    if (!(h->a[c].key < x.key))
      break;
    h->a[k] = h->a[c];
    k = c;
  }
  if (h->n)
    h->a[k] = x;
  return top;
}

/* Device h's block grown to hold twice the records (first: min(P, 64)):
 * the records, the decode and prefill heaps' entries (each record is in one
 * heap at most), the free stack and, last, the records' tags (touched only
 * with svc.tags), in one allocation so that a device's service state sits
 * on a few neighbouring lines. 0, or -1 if out of
 * memory (nothing changed). */
static int rq_grow(s_dev *h, uint32_t par) {
  uint32_t old = h->rcap, cap = old ? 2 * old : par < 64 ? par + !par : 64;
  /* the free stack beside the heaps; the tags (routing, observers) last, at a multiple of 8 */
  size_t ntag = (cap * (sizeof(sv_req) + 2 * sizeof(sv_ent) + sizeof(uint32_t)) + 7) / 8 * 8;
  char *b = malloc(ntag + cap * sizeof(rq_tag));
  if (!b)
    return -1;
  sv_req *rq = (sv_req *)(void *)b;
  sv_ent *dec = (sv_ent *)(void *)(rq + cap), *pf = dec + cap;
  uint32_t *fr = (uint32_t *)(void *)(pf + cap);
  rq_tag *tag = (rq_tag *)(void *)(b + ntag);
  if (old) {
    memcpy(rq, h->rq, old * sizeof *rq);
    memcpy(dec, h->dec.a, h->dec.n * sizeof *dec);
    memcpy(pf, h->pf.a, h->pf.n * sizeof *pf);
    memcpy(tag, h->tag, old * sizeof *tag);
    memcpy(fr, h->fr, h->nfr * sizeof *fr);
  }
  free(h->rq);
  h->rq = rq, h->dec.a = dec, h->pf.a = pf, h->tag = tag, h->fr = fr;
  h->dec.cap = h->pf.cap = cap;
  for (uint32_t k = cap; k > old; k--)
    fr[h->nfr++] = k - 1; /* lowest index on top */
  h->rcap = cap;
  return 0;
}

/* A free record of device h's pool, or UINT32_MAX if out of memory. */
static uint32_t rq_take(s_dev *h, uint32_t par) {
  if (!h->nfr && rq_grow(h, par))
    return UINT32_MAX;
  return h->fr[--h->nfr];
}

static void rq_give(s_dev *h, uint32_t r) { h->fr[h->nfr++] = r; }

/* ---- processor sharing ------------------------------------------------------------ */

/* V brought to t: dV/dt = r(ndec) since t0. */
static void ps_advance(s_dev *h, double t) {
  if (h->ndec)
    h->v += h->r * (t - h->t0);
  h->t0 = t;
}

/* r(ndec). (ps_set_rate and ps_schedule inline: each runs twice a request,
 * and the calls cost 12.6 M instructions on (a) with the svc keys at 300 s;
 * h_pop inlined too cost 5.3 M more, so it stays a call.) */
static inline __attribute__((always_inline)) void ps_set_rate(s_dev *h) {
  uint32_t n = h->ndec;
  h->r = n < h->nr ? h->rn[n] : sv_curve_at(h->cn, h->ca, h->nc, n) / n;
}

/* The device's next completion: when V reaches the smallest finish value. */
static inline __attribute__((always_inline)) void ps_schedule(run *u, uint32_t i, double t) {
  s_dev *h = &u->sv->sh[i];
  if (!h->ndec) {
    cal_cancel_timer(&u->q, sv_tmr(i, SV_TMR_SVC));
    return;
  }
  double tn = t + (h->dec.a[0].key - h->v) / h->r;
  cal_set_timer(&u->q, sv_tmr(i, SV_TMR_SVC), tn > t ? tn : t, EV_SVC, i, 0);
}

static void pf_schedule(run *u, uint32_t i) {
  s_dev *h = &u->sv->sh[i];
  if (h->pf.n)
    cal_set_timer(&u->q, sv_tmr(i, SV_TMR_PREFILL), h->pf.a[0].key, EV_PREFILL, i, 0);
  else
    cal_cancel_timer(&u->q, sv_tmr(i, SV_TMR_PREFILL));
}

/* Request r starts decoding at t: finishes when V reaches V(t) + tokens. */
static int ps_join(run *u, uint32_t i, double t, uint32_t r) {
  s_dev *h = &u->sv->sh[i];
  ps_advance(h, t);
  if (h_push(&h->dec, (sv_ent){h->v + (double)h->rq[r].tok, r, 0}))
    return -1;
  h->ndec++;
  ps_set_rate(h);
  ps_schedule(u, i, t);
  return 0;
}

/* ---- start and finish ------------------------------------------------------------- */

int sv_start(run *u, uint32_t i, double t, double t_arr, uint64_t tok, uint64_t prompt,
             uint32_t cls) {
  dev *d = &u->devs[i];
  lim_grp *g = &u->lims.g[d->grp];
  if (g->ops == &lim_sliding_window ? lim_sw_admit(g, i, tok, t) : lim_admit(g, i, tok, t))
    return -1;
  if (d->inflight++ == 0)
    d->busy_since = t;
  disp_admitted(&u->d, i);
  const scn_device *sd = &u->s->dev[d->spec];
  u->ts_served++;
  u->ts_tok_edge += (double)tok;
  d->ts_tokens += tok;
  int counted = t_arr >= u->from;
  if (counted) {
    d->served++;
    d->tokens += tok;
    u->n_edge++;
    u->k_edge += tok;
    u->r->utility_sum += u->s->alpha * sd->quality + (1 - u->s->alpha) * sd->ttft_s;
  }
  if (!u->sv->shared[i]) { /* the paper's service time, from the start */
    double service = sd->ttft_s + (double)tok / sd->tgs;
    if (u->rt && route_edge(u, i, t_arr, t, prompt, tok, service))
      return -1; /* route.h: its accuracy (or a cascade's escalation at t + service) */
    uint32_t kind = u->xdone ? run_done_kind(u, i, t_arr, t, prompt, tok, service) : EV_DONE;
    if (cal_push_fifo(&u->q, d->spec * u->ntok + cls, t + service, kind, i))
      return -1;
    OBS_CALL(u, admit, t, i, t_arr, &(wl_arrival){prompt, tok, cls, 0}, service);
    d->slot_s += run_clip(u, t, t + service);
    if (counted)
      sv_record(u, 0, t_arr, t, t + sd->ttft_s, t + service, tok);
    return 0;
  }
  s_dev *h = &u->sv->sh[i];
  double pf = h->pf_over + (double)prompt / h->pf_tps;
  if (u->rt && route_edge(u, i, t_arr, t, prompt, tok, -1))
    return -1; /* route.h: a cascade escalates when its decode completes */
  uint32_t r = rq_take(h, h->par);
  if (r == UINT32_MAX)
    return -1;
  h->rq[r] = (sv_req){t_arr, t, t + pf, (uint32_t)tok, (uint32_t)prompt};
  if (u->sv->tags)
    h->tag[r] = u->rq;
  OBS_CALL(u, admit, t, i, t_arr, &(wl_arrival){prompt, tok, cls, 0}, pf > 0 ? pf : 0);
  if (!(pf > 0))
    return ps_join(u, i, t, r);
  if (h_push(&h->pf, (sv_ent){t + pf, r, 0}))
    return -1;
  /* the new earliest end (or one of the same arrival and end: rescheduled, as before) */
  if (h->rq[h->pf.a[0].r].t_arr == t_arr && h->pf.a[0].key == t + pf)
    pf_schedule(u, i);
  return 0;
}

/* A prefill ended: the request starts decoding. */
int sv_fire_prefill(run *u, const heap_ev *ev) {
  s_dev *h = &u->sv->sh[ev->arg];
  uint32_t r = h_pop(&h->pf).r;
  h->rq[r].t_first = ev->t;
  pf_schedule(u, ev->arg);
  OBS_CALL(u, first, ev->t, ev->arg, obs_id_of(u, h->tag[r].id)); /* before: ps_join inlined */
  return ps_join(u, ev->arg, ev->t, r);
}

/* The request with the smallest finish value is done: its slot frees. */
int sv_fire_svc(run *u, const heap_ev *ev) {
  uint32_t i = ev->arg;
  double t = ev->t;
  s_dev *h = &u->sv->sh[i];
  ps_advance(h, t);
  sv_ent e = h_pop(&h->dec);
  sv_req x = h->rq[e.r];
  rq_tag g = u->sv->tags ? h->tag[e.r] : SV_NO_TAG;
  rq_give(h, e.r);
  h->v = e.key; /* exact: the clock's rounding does not accumulate */
  if (--h->ndec == 0)
    h->v = 0; /* idle: restart the clock, keeping V small */
  ps_set_rate(h);
  ps_schedule(u, i, t);
  dev *d = &u->devs[i];
  if (u->ad) /* adapt.h: busy slots of a device measuring its utilization */
    adapt_shared_done(u, i, t);
  if (--d->inflight == 0)
    d->busy_s += run_clip(u, d->busy_since, t);
  d->slot_s += run_clip(u, x.t_start, t);
  disp_completed(&u->d, i);
  OBS_CALL(u, done, t, i, obs_id_of(u, g.id));
  if (x.t_arr >= u->from)
    sv_record(u, 0, x.t_arr, x.t_start, x.t_first, t, x.tok);
  if (g.esc != RQ_NO_ESC && route_escalate(u, g.esc, x.t_first, t))
    return -1; /* route.h: the edge answered; a cascade's verifier sends it on */
  return sv_try_start(u, i, t);
}

/* ---- statistics ---------------------------------------------------------------- */

static int slo_met(const scn *s, double ttft, double e2e) {
  return (!s->slo_ttft_s || ttft <= s->slo_ttft_s) && (!s->slo_e2e_s || e2e <= s->slo_e2e_s);
}

void sv_record(run *u, int where, double t_arr, double t_start, double t_first, double t_end,
               uint64_t tok) {
  es_result *r = u->r;
  double ttft = t_first - t_arr, e2e = t_end - t_arr;
  hist_add(&r->xh[where], ttft);
  hist_add(&r->xh[3 + where], (t_end - t_first) / (double)tok);
  hist_add(&r->xh[6 + where], t_start - t_arr);
  hist_add(&r->lat_hist[where], e2e);
  u->sv->slo_met += (uint64_t)slo_met(u->s, ttft, e2e);
}

void sv_unrecord(run *u, double t_arr, double t_start, double t_first, double t_end, uint64_t tok) {
  es_result *r = u->r;
  double ttft = t_first - t_arr, e2e = t_end - t_arr;
  hist_remove(&r->xh[0], ttft);
  hist_remove(&r->xh[3], (t_end - t_first) / (double)tok);
  hist_remove(&r->xh[6], t_start - t_arr);
  hist_remove(&r->lat_hist[0], e2e);
  u->sv->slo_met -= (uint64_t)slo_met(u->s, ttft, e2e);
}

int sv_cut(run *u, uint32_t i, double t) {
  if (!u->sv->shared[i])
    return 0;
  s_dev *h = &u->sv->sh[i];
  dev *d = &u->devs[i];
  const scn *s = u->s;
  const scn_device *sd = &s->dev[d->spec];
  sv_heap *hs[2] = {&h->pf, &h->dec};
  for (int w = 0; w < 2; w++) {
    for (uint32_t k = 0; k < hs[w]->n; k++) { /* O(P), once per failure */
      const sv_req *x = &h->rq[hs[w]->a[k].r];
      rq_give(h, hs[w]->a[k].r);
      int counted = x->t_arr >= u->from;
      d->slot_s += run_clip(u, x->t_start, t); /* the part it held */
      if (counted) {
        d->served--, d->tokens -= x->tok;
        u->n_edge--, u->k_edge -= x->tok;
        u->r->utility_sum -= s->alpha * sd->quality + (1 - s->alpha) * sd->ttft_s;
      }
      u->rq = u->sv->tags ? h->tag[hs[w]->a[k].r] : SV_NO_TAG;
      if (counted && u->rt)
        route_edge_cut(u, i); /* route.h: its answer's accuracy, or its escalation, goes */
      if (flt_cut_send(u, i, t, x->t_arr, x->prompt, x->tok, counted))
        return -1;
    }
    hs[w]->n = 0;
  }
  h->ndec = 0, h->v = 0, h->r = 0, h->t0 = t;
  cal_cancel_timer(&u->q, sv_tmr(i, SV_TMR_SVC));
  cal_cancel_timer(&u->q, sv_tmr(i, SV_TMR_PREFILL));
  return 0;
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

void sv_finish(run *u) {
  es_result *r = u->r;
  svc *sv = u->sv;
  struct es_svc_result *q = &r->q;
  double(*out[3])[4] = {q->ttft, q->tpot, q->qwait};
  for (int k = 0; k < 3; k++) {
    hist *x = &r->xh[3 * k];
    hist_init(&x[2]);
    hist_merge(&x[2], &x[0]);
    hist_merge(&x[2], &x[1]);
    for (int w = 0; w < 3; w++) {
      out[k][w][0] = hist_mean(&x[w]);
      out[k][w][1] = hist_quantile(&x[w], 0.50);
      out[k][w][2] = hist_quantile(&x[w], 0.95);
      out[k][w][3] = hist_quantile(&x[w], 0.99);
    }
  }
  double span = u->to - u->from, active_wh = 0;
  q->q_len_mean = q->in_service_mean = 0;
  for (size_t i = 0; i < u->n; i++) {
    const dev *d = &u->devs[i];
    es_dev_result *o = &r->dev[i];
    o->timed_out = (double)sv->q[i].timed_out;
    o->queue_length_mean = ratio(sv->q[i].area, span);
    o->in_service_mean = ratio(d->slot_s, span); /* slot-seconds held: requests in service */
    q->q_len_mean += o->queue_length_mean;
    q->in_service_mean += o->in_service_mean;
    active_wh += u->s->dev[d->spec].power_active_w * d->busy_s / 3600.0;
  }
  q->timed_out = (double)sv->n_timed_out;
  q->queued = (double)sv->n_queued;
  q->wh_per_query = ratio(active_wh, r->edge_served);
  q->slo_attainment = ratio((double)sv->slo_met, r->generated);
}

/* Little's law over the whole run, both sides integrated over the same
 * requests (every request that joined a queue left it before the end):
 * the integral of the number waiting equals the sum of the waits, up to
 * floating rounding: 1e-8 relative plus 1e-13 x joins x the run's end. */
int sv_check_little(const run *u, double *l, double *w) {
  const svc *sv = u->sv;
  *l = sv->area_all, *w = sv->wait_sum;
  double tol = 1e-8 * fmax(1, sv->wait_sum) + 1e-13 * (double)sv->n_left * fmax(1, sv->t_all);
  return sv->queued || fabs(sv->area_all - sv->wait_sum) > tol ? -1 : 0;
}
