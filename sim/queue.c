/* queue.c: per-device FIFO queues, their deadlines, the fallback index of
 * shortest expected wait, and the run-level setup of svc.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "faults.h"
#include "kinds.h"
#include "lim_sliding_window.h"
#include "observe.h"
#include "run.h"

/* ---- the fallback index: shortest expected wait ------------------------------ */

/* Expected wait of a request joining device i's queue: (queued + 1) / P
 * times one request's mean decode time per token at full occupancy
 * (1 / tgs fixed, P / A(P) shared), i.e. (queued + 1) / A(P): requests
 * ahead per unit of aggregate output rate. The ranking equals the ranking
 * by expected wait when requests have equal sizes; it needs nothing from
 * the workload. Inside a class (equal qinv) it ranks like the queue length,
 * which the bitmaps or the tree key (svc.h); a full queue ranks last (the
 * tree's key; the bitmaps leave it out). */
static uint64_t qx_key(const svc *sv, uint32_t i) {
  const q_dev *q = &sv->q[i];
  return (uint64_t)(q->n < q->max ? q->n : UINT32_MAX) << 32 | i;
}

/* Device i's key changed: a decrease climbs while i wins, an increase
 * recomputes the nodes i won (keys are unique: they hold the index). */
static void qx_update(svc *sv, uint32_t i) {
  const q_dev *q = &sv->q[i];
  if (!q->max)
    return;
  qx_class *c = &sv->qx[sv->qx_cls[i]];
  if (c->dev) { /* bitmaps by length */
    lx_set(&c->lx, sv->qx_leaf[i], q->n < q->max ? q->n : LX_NONE);
    return;
  }
  uint64_t *x = c->node, k = qx_key(sv, i);
  uint32_t p = sv->qx_leaf[i];
  uint64_t old = x[p];
  if (k == old)
    return;
  x[p] = k;
  if (k < old) {
    for (p /= 2; p >= 1 && (x[p] == old || k < x[p]); p /= 2)
      x[p] = k;
    return;
  }
  for (uint64_t w = k; p > 1 && x[p / 2] == old; p /= 2) {
    if (x[p ^ 1] < w)
      w = x[p ^ 1];
    x[p / 2] = w;
  }
}

/* The device with the shortest expected wait among those with queue room
 * and C >= tok (ties: lowest index), or -1. O(K + log D), K the classes. */
static long qx_pick(const svc *sv, uint64_t tok) {
  long best = -1;
  double bk = 0;
  for (uint32_t k = 0; k < sv->nqx; k++) {
    const qx_class *c = &sv->qx[k];
    if (c->cap < tok)
      continue;                                     /* too small */
    uint64_t r = c->node ? c->node[1] : UINT64_MAX; /* n << 32 | device, as the tree's */
    uint32_t m, len;
    if (c->dev && (len = lx_min(&c->lx, &m)) != LX_NONE)
      r = (uint64_t)len << 32 | c->dev[m];
    if (r >> 32 >= UINT32_MAX)
      continue; /* every queue full */
    uint32_t i = (uint32_t)r;
    double key = (double)((r >> 32) + 1) * c->qinv; /* r >> 32: its queue length */
    if (best < 0 || key < bk || (key == bk && i < best))
      best = i, bk = key;
  }
  return best;
}

static int qx_init(run *u) {
  svc *sv = u->sv;
  size_t n = u->n;
  sv->qx = calloc(n, sizeof *sv->qx);
  sv->qx_cls = malloc(n * sizeof *sv->qx_cls);
  sv->qx_leaf = malloc(n * sizeof *sv->qx_leaf);
  uint32_t *cnt = calloc(n, sizeof *cnt);
  if (!sv->qx || !sv->qx_cls || !sv->qx_leaf || !cnt)
    return free(cnt), -1;
  for (uint32_t i = 0; i < n; i++) {
    if (!sv->q[i].max)
      continue;
    const qx_class *c = sv->qx;
    uint32_t k = 0, max = sv->q[i].max;
    while (k < sv->nqx &&
           (c[k].cap != u->devs[i].cap_tokens || c[k].qinv != sv->qinv[i] || c[k].max != max))
      k++; /* distinct (C, qinv, max): a few */
    if (k == sv->nqx)
      sv->qx[sv->nqx++] = (qx_class){.cap = u->devs[i].cap_tokens, .qinv = sv->qinv[i], .max = max};
    sv->qx_cls[i] = k;
    sv->qx_leaf[i] = cnt[k]++;
  }
  int rc = 0;
  for (uint32_t k = 0; k < sv->nqx && !rc; k++) {
    qx_class *c = &sv->qx[k];
    if (c->max <= LX_MAX_LEN && cnt[k] <= LX_MAX_MEMBERS) { /* bitmaps */
      if (!(c->dev = malloc(cnt[k] * sizeof *c->dev)) || lx_init(&c->lx, cnt[k], c->max))
        rc = -1;
      continue;
    }
    for (c->leaves = 1; c->leaves < cnt[k];)
      c->leaves *= 2;
    if (!(c->node = malloc(2 * (size_t)c->leaves * sizeof *c->node)))
      rc = -1;
    else
      memset(c->node, 0xff, 2 * (size_t)c->leaves * sizeof *c->node);
  }
  free(cnt);
  for (uint32_t i = 0; i < n && !rc; i++)
    if (sv->q[i].max) {
      qx_class *c = &sv->qx[sv->qx_cls[i]];
      if (c->dev)
        c->dev[sv->qx_leaf[i]] = i;
      else
        sv->qx_leaf[i] += c->leaves;
      qx_update(sv, i);
    }
  return rc;
}

/* ---- setup ---------------------------------------------------------------------- */

/* Device entry e's r(n) = A(n)/n for n = 0 .. min(P, SV_RATE_MAX) (r(0) =
 * 0), the expression ps_set_rate() would evaluate, shared by the entry's
 * devices. 0, or -1 if out of memory. */
static int rate_table(svc *sv, uint32_t e, s_dev *h, uint32_t par) {
  uint32_t nr = (par < SV_RATE_MAX ? par : SV_RATE_MAX) + 1;
  if (!sv->rate[e]) {
    double *r = malloc(nr * sizeof *r);
    if (!r)
      return -1;
    r[0] = 0;
    for (uint32_t n = 1; n < nr; n++)
      r[n] = sv_curve_at(h->cn, h->ca, h->nc, n) / n;
    sv->rate[e] = r;
  }
  h->rn = sv->rate[e], h->nr = nr;
  return 0;
}

int sv_init(run *u) {
  const scn *s = u->s;
  svc *sv = calloc(1, sizeof *sv);
  if (!(u->sv = sv))
    return -1;
  size_t n = u->n;
  sv->q = calloc(n, sizeof *sv->q);
  sv->sh = aligned_alloc(64, (n * sizeof *sv->sh + 63) / 64 * 64); /* s_dev: line-aligned */
  if (sv->sh)
    memset(sv->sh, 0, n * sizeof *sv->sh);
  sv->shared = calloc(n, 1);
  sv->rate = calloc(s->ndev, sizeof *sv->rate);
  sv->qinv = malloc(n * sizeof *sv->qinv);
  sv->wake = malloc(n * sizeof *sv->wake);
  sv->woken = calloc(n, 1);
  if (!sv->q || !sv->sh || !sv->shared || !sv->rate || !sv->qinv || !sv->wake || !sv->woken)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const scn_device *sd = &s->dev[u->devs[i].spec];
    q_dev *q = &sv->q[i];
    q->max = (uint32_t)sd->queue_max;
    q->par = u->devs[i].max_par;
    q->deadline = sd->queue_deadline_s;
    q->cold = sd->service != SCN_SERVICE_SHARED || u->rt || u->obs; /* q_cold read */
    q->t_last = 0;
    sv->any_queue |= q->max > 0;
    double rbar = sd->tgs;
    if (sd->service == SCN_SERVICE_SHARED) {
      s_dev *h = &sv->sh[i];
      sv->shared[i] = 1;
      h->cn = sd->curve_n, h->ca = sd->curve_a, h->nc = (uint32_t)sd->ncurve;
      h->pf_tps = sd->prefill_tps, h->pf_over = sd->prefill_overhead_s, h->par = q->par;
      if (rate_table(sv, u->devs[i].spec, h, q->par))
        return -1;
      rbar = sv_curve_at(h->cn, h->ca, h->nc, q->par) / q->par;
    }
    sv->qinv[i] = 1 / ((double)q->par * rbar);
  }
  sv->tags = u->rt || u->obs; /* else u->rq stays SV_NO_TAG (service.c) */
  sv->sw_only = !u->obs;
  for (size_t k = 0; k < u->lims.n; k++)
    sv->sw_only &= u->lims.g[k].ops == &lim_sliding_window;
  if (u->lims.n == 1 && u->lims.g[0].ops == &lim_sliding_window)
    sv->sw1 = u->lims.g[0].st;
  if (cal_timers(&u->q, 3 * n))
    return -1;
  return qx_init(u);
}

void sv_destroy(run *u) {
  svc *sv = u->sv;
  if (!sv)
    return;
  for (size_t i = 0; sv->q && i < u->n; i++)
    free(sv->q[i].ring);
  for (size_t i = 0; sv->sh && i < u->n; i++)
    free(sv->sh[i].rq); /* the device's block: records, heaps, free stack */
  for (uint32_t k = 0; sv->qx && k < sv->nqx; k++) {
    free(sv->qx[k].node), free(sv->qx[k].dev);
    lx_destroy(&sv->qx[k].lx);
  }
  for (size_t e = 0; sv->rate && e < u->s->ndev; e++)
    free(sv->rate[e]);
  free(sv->rate);
  free(sv->qx), free(sv->qx_cls), free(sv->qx_leaf);
  free(sv->q), free(sv->sh), free(sv->shared), free(sv->qinv);
  free(sv->wake), free(sv->woken);
  free(sv);
  u->sv = NULL;
}

/* ---- queue operations ------------------------------------------------------------ */

/* Integrals of the queue lengths up to t (before a change). */
static void q_account(run *u, q_dev *q, double t) {
  svc *sv = u->sv;
  q->area += (double)q->n * run_clip(u, q->t_last, t);
  q->t_last = t;
  sv->area_all += (double)sv->queued * (t - sv->t_all);
  sv->t_all = t;
}

/* The head's deadline timer: at head arrival + D, class 1 (after every
 * start at that instant). Lazy: a pending timer is left alone, since it is
 * for an earlier head, whose deadline (FIFO, one D) is no later; when it
 * fires it re-arms for the head of the moment. This saves a timer move per
 * start. */
static void q_arm(run *u, uint32_t i) {
  q_dev *q = &u->sv->q[i];
  uint32_t id = 3 * i + SV_TMR_DEADLINE;
  if (q->deadline && q->n && !tmr_pending(&u->q.tm, id))
    cal_set_timer(&u->q, id, q->ring[q->head].t_arr + q->deadline, EV_DEADLINE, i, 1);
}

/* Device i takes no new arrival directly (0) or takes them again (1,
 * unless it is down): faults.h's dev_set_open, which tells the dispatcher. */
static void q_set_open(run *u, uint32_t i, int open) { dev_set_open(u, i, open, DEV_CLOSED_QUEUE); }

static int q_push(run *u, uint32_t i, double t, uint64_t prompt, uint64_t tok, uint32_t cls) {
  q_dev *q = &u->sv->q[i];
  if (q->n == q->cap) {
    uint32_t cap = q->cap ? 2 * q->cap : 8;
    q_hot *r = malloc(cap * (sizeof *r + sizeof(q_cold)));
    if (!r)
      return -1;
    q_cold *c = (q_cold *)(void *)(r + cap), *oc = (q_cold *)(void *)(q->ring + q->cap);
    for (uint32_t k = 0; k < q->n; k++) {
      r[k] = q->ring[(q->head + k) & (q->cap - 1)];
      c[k] = oc[(q->head + k) & (q->cap - 1)];
    }
    free(q->ring);
    q->ring = r, q->head = 0, q->cap = cap;
  }
  q_account(u, q, t);
  uint32_t k = (q->head + q->n++) & (q->cap - 1);
  q->ring[k] = (q_hot){t, (uint32_t)tok, (uint32_t)prompt}; /* tokens <= 1e9 */
  if (q->cold)
    ((q_cold *)(void *)(q->ring + q->cap))[k] = (q_cold){u->rq.d, cls, u->rq.id};
  u->sv->queued++;
  if (t >= u->from)
    u->sv->n_queued++;
  OBS_CALL(u, queue, t, i, q->n);
  if (q->n == 1) {
    u->sv->woken[i] |= SV_WAITING;
    q_set_open(u, i, 0);
    q_arm(u, i);
  }
  qx_update(u->sv, i);
  return 0;
}

/* Removes the head at t (it starts or times out). */
static q_ent q_pop(run *u, uint32_t i, double t) {
  svc *sv = u->sv;
  q_dev *q = &sv->q[i];
  q_account(u, q, t);
  const q_hot *h = &q->ring[q->head];
  q_cold c = q->cold ? ((const q_cold *)(const void *)(q->ring + q->cap))[q->head] : (q_cold){0};
  q_ent e = {h->t_arr, c.d, h->tok, h->prompt, c.cls, c.id};
  q->head = (q->head + 1) & (q->cap - 1);
  if (!--q->n)
    sv->woken[i] &= (uint8_t)~SV_WAITING;
  sv->queued--;
  sv->wait_sum += t - e.t_arr;
  sv->n_left++;
  OBS_CALL(u, queue, t, i, q->n);
  return e;
}

int sv_offer(run *u, long picked, double t, uint64_t prompt, uint64_t tok, uint32_t cls) {
  svc *sv = u->sv;
  if (!sv->any_queue)
    return 0;
  long i = picked >= 0 ? picked : qx_pick(sv, tok);
  if (i < 0)
    return 0;
  const q_dev *q = &sv->q[i];
  if (q->n >= q->max || tok > u->devs[i].cap_tokens || (u->devs[i].closed & DEV_CLOSED_FAULT))
    return 0; /* full, too large, or down (faults.h) */
  OBS_CALL(u, wait, t, picked, (size_t)i, &(wl_arrival){prompt, tok, cls, 0});
  return q_push(u, (uint32_t)i, t, prompt, tok, cls) ? -1 : 1;
}

int sv_try_start(run *u, uint32_t i, double t) {
  svc *sv = u->sv;
  if (!(sv->woken[i] & SV_WAITING)) /* an empty queue: its byte, not its record */
    return 0;
  q_dev *q = &sv->q[i];
  dev *d = &u->devs[i];
  int moved = 0;
  while (q->n && d->inflight < q->par && !(d->closed & DEV_CLOSED_FAULT)) {
    const q_hot *h = &q->ring[q->head];
    if (u->lims.lazy)
      lim_sync(&u->lims.g[d->grp], i, t);
    if (d->used > d->cap_tokens - h->tok) /* tok <= C: checked when it joined */
      break;
    q_ent e = q_pop(u, i, t);
    moved = 1;
    u->rq = (rq_tag){e.d, 0, RQ_NO_ESC, e.id}; /* route.h: who answers it is counted now */
    if (sv_start(u, i, t, e.t_arr, e.tok, e.prompt, e.cls))
      return -1;
  }
  if (moved) {
    if (!q->n)
      q_set_open(u, i, 1);
    q_arm(u, i);
    qx_update(sv, i);
  }
  return 0;
}

int sv_wake_all(run *u, double t) {
  svc *sv = u->sv;
  for (size_t k = 0; k < sv->nwake; k++) {
    uint32_t i = sv->wake[k];
    sv->woken[i] &= (uint8_t)~SV_WOKEN;
    if (sv_try_start(u, i, t))
      return -1;
  }
  sv->nwake = 0;
  return 0;
}

double sv_next_drop(const run *u) {
  double t = INFINITY;
  for (size_t k = 0; k < u->lims.n; k++) {
    const lim_grp *g = &u->lims.g[k];
    if (g->ops == &lim_sliding_window) {
      double x = win_next_expiry(g->st);
      if (x < t)
        t = x;
    }
  }
  return t; /* other kinds: re-checked at every event (their drops have no known time) */
}

/* The head (and any behind it) waited until t >= arrival + D: out. */
int sv_fire_deadline(run *u, const heap_ev *ev) {
  svc *sv = u->sv;
  uint32_t i = ev->arg;
  q_dev *q = &sv->q[i];
  double t = ev->t;
  int out = 0;
  if (q->n && q->ring[q->head].t_arr + q->deadline > t) { /* an earlier head's: re-arm */
    q_arm(u, i);
    return 0;
  }
  while (q->n && q->ring[q->head].t_arr + q->deadline <= t) {
    q_ent e = q_pop(u, i, t);
    out = 1;
    if (e.t_arr >= u->from)
      q->timed_out++, sv->n_timed_out++;
    u->rq = (rq_tag){e.d, 0, RQ_NO_ESC, e.id};
    OBS_CALL(u, timeout, t, i, e.t_arr, &(wl_arrival){e.prompt, e.tok, e.cls, 0});
    /* to the cloud at t (its outages, limits and budget apply then), its
     * latency counted from the arrival */
    if (cloud_send(u, e.t_arr, t, e.prompt, e.tok, e.t_arr >= u->from))
      return -1;
  }
  if (!out)
    return 0;
  if (!q->n)
    q_set_open(u, i, 1);
  q_arm(u, i);
  qx_update(sv, i);
  return sv_try_start(u, i, t); /* a smaller request behind may fit now */
}
