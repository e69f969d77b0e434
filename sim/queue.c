/* queue.c: per-device FIFO queues, their deadlines, the fallback index of
 * shortest expected wait, and the run-level setup of svc.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adapt.h"
#include "cloud.h"
#include "faults.h"
#include "kinds.h"
#include "lim_sliding_window.h"
#include "observe.h"
#include "ring.h"
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

/* Device i's key changed in tree class c: a decrease climbs while i wins,
 * an increase recomputes the nodes i won (keys are unique: they hold the
 * index). */
static void qx_update_tree(svc *sv, qx_class *c, uint32_t i) {
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

/* Device i's queue length changed: its place in the fallback index.
 * (Inline: about two a request, each a few word operations on the
 * bitmaps; the calls cost 8.7 M instructions on (a) with queues at 300 s.) */
static inline __attribute__((always_inline)) void qx_update(svc *sv, uint32_t i) {
  const q_dev *q = &sv->q[i];
  if (!q->max)
    return;
  qx_class *c = &sv->qx[sv->qx_cls[i]];
  if (c->dev) /* bitmaps by length */
    lx_set(&c->lx, sv->qx_leaf[i], q->n < q->max ? q->n : LX_NONE);
  else
    qx_update_tree(sv, c, i);
}

/* The device with the shortest expected wait among those with queue room
 * and C >= tok (ties: lowest index), or -1. O(K + log D), K the classes. */
static long qx_pick(const svc *sv, uint64_t tok) {
  long best = -1;
  double bk = 0;
  for (uint32_t k = 0; k < sv->nqx; k++) {
    const qx_class *c = &sv->qx[k];
    if (c->cap < tok)
      continue; /* too small */
    uint64_t r; /* n << 32 | device, as the tree's */
    if (c->dev) {
      uint32_t m, len = lx_min(&c->lx, &m);
      if (len == LX_NONE)
        continue; /* every queue full */
      r = (uint64_t)len << 32 | c->dev[m];
    } else if ((r = c->node[1]) >> 32 >= UINT32_MAX)
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
    q->t_last = 0;
    sv->any_queue |= q->max > 0;
    if (q->max && sd->queue_discipline == SCN_QUEUE_SJF)
      q->sjf = ++sv->nsj, sv->woken[i] |= SV_SJF;
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
    if (q->max && u->lims.g[u->devs[i].grp].ops->ready_at)
      sv->woken[i] |= SV_TIMED;
    if (q->max && u->ad && adapt_is(u, (uint32_t)i))
      sv->woken[i] |= SV_ADAPT;
  }
  if (sv->nsj && !(sv->sj = calloc(sv->nsj, sizeof *sv->sj)))
    return -1;
  sv->tags = u->rt || u->obs; /* else u->rq stays SV_NO_TAG (service.c) */
  sv->sw_only = !u->obs;
  for (size_t k = 0; k < u->lims.n; k++)
    sv->sw_only &= u->lims.g[k].ops == &lim_sliding_window;
  if (u->lims.n == 1 && u->lims.g[0].ops == &lim_sliding_window)
    sv->sw1 = u->lims.g[0].st;
  if (cal_timers(&u->q, TMR_SUB * n))
    return -1;
  return qx_init(u);
}

void sv_destroy(run *u) {
  svc *sv = u->sv;
  if (!sv)
    return;
  for (size_t i = 0; sv->q && i < u->n; i++)
    free(sv->q[i].ring);
  for (uint32_t k = 0; sv->sj && k < sv->nsj; k++) {
    q_sjf *s = &sv->sj[k];
    free(s->hp), free(s->pos), free(s->prv), free(s->nxt), free(s->fr);
  }
  free(sv->sj);
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

/* ---- sjf order (svc.h's q_sjf) ------------------------------------------------- */

static q_sjf *sj_of(svc *sv, const q_dev *q) { return &sv->sj[q->sjf - 1]; }

static int h_less(q_hent a, q_hent b) { return a.tok < b.tok || (a.tok == b.tok && a.seq < b.seq); }

static void h_put(q_sjf *s, uint32_t k, q_hent x) {
  s->hp[k] = x;
  s->pos[x.r] = k;
}

/* x placed at heap index k (a hole), moved up or down to its place among
 * the n entries. */
static void h_fix(q_sjf *s, uint32_t n, uint32_t k, q_hent x) {
  while (k > 0 && h_less(x, s->hp[(k - 1) / 2])) {
    h_put(s, k, s->hp[(k - 1) / 2]);
    k = (k - 1) / 2;
  }
  for (;;) {
    uint32_t c = 2 * k + 1;
    if (c >= n)
      break;
    if (c + 1 < n && h_less(s->hp[c + 1], s->hp[c]))
      c++;
    if (!h_less(s->hp[c], x))
      break;
    h_put(s, k, s->hp[c]);
    k = c;
  }
  h_put(s, k, x);
}

/* Array a (n elements of `size` bytes now) grown to n elements, or a
 * itself and *fail set (also when set before: nothing is tried). */
static void *grown(void *a, uint32_t n, size_t size, int *fail) {
  void *p = *fail ? NULL : realloc(a, n * size);
  if (!p)
    *fail = 1;
  return p ? p : a;
}

/* Room for twice the records (the first: 8): every array grown to the new
 * cap, the new records free, lowest index on top. 0, or -1 if out of
 * memory (the queue unchanged: arrays that grew keep their contents). */
static int sj_grow(q_dev *q, q_sjf *s) {
  uint32_t old = q->cap, cap = old ? 2 * old : 8;
  int fail = 0;
  q->ring = grown(q->ring, cap, sizeof *q->ring, &fail);
  s->hp = grown(s->hp, cap, sizeof *s->hp, &fail);
  s->pos = grown(s->pos, cap, sizeof *s->pos, &fail);
  s->prv = grown(s->prv, cap, sizeof *s->prv, &fail);
  s->nxt = grown(s->nxt, cap, sizeof *s->nxt, &fail);
  s->fr = grown(s->fr, cap, sizeof *s->fr, &fail);
  if (fail)
    return -1;
  if (!old)
    s->young = Q_NONE;
  for (uint32_t r = cap; r > old; r--)
    s->fr[s->nfr++] = r - 1;
  q->cap = cap;
  return 0;
}

/* Record r of queue q (n counts it) joins at the young end and the heap:
 * 1 if it is the new head. */
static int sj_add(q_dev *q, q_sjf *s, uint32_t r, uint32_t tok) {
  s->prv[r] = s->young, s->nxt[r] = Q_NONE;
  if (s->young != Q_NONE)
    s->nxt[s->young] = r;
  else
    q->head = r;
  s->young = r;
  h_fix(s, q->n, q->n - 1, (q_hent){tok, r, s->seq++});
  return s->pos[r] == 0;
}

/* Takes record r out of queue q (n still counts it): heap and links. */
static void sj_remove(q_dev *q, q_sjf *s, uint32_t r) {
  uint32_t k = s->pos[r], last = q->n - 1;
  if (k != last)
    h_fix(s, last, k, s->hp[last]);
  uint32_t a = s->prv[r], b = s->nxt[r];
  if (a != Q_NONE)
    s->nxt[a] = b;
  else
    q->head = b; /* (Q_NONE when it empties: not read then) */
  if (b != Q_NONE)
    s->prv[b] = a;
  else
    s->young = a;
  s->fr[s->nfr++] = r;
}

/* ---- queue operations ------------------------------------------------------------ */

/* The head of a non-empty queue, the next to start: under fifo the
 * oldest (q->head), under sjf the top of its heap. */
static const q_ent *q_head(svc *sv, const q_dev *q, int sjf) {
  return sjf ? &q->ring[sj_of(sv, q)->hp[0].r] : &q->ring[q->head];
}

/* Integrals of the queue lengths up to t (before a change). */
static void q_account(run *u, q_dev *q, double t) {
  svc *sv = u->sv;
  q->area += (double)q->n * run_clip(u, q->t_last, t);
  q->t_last = t;
  sv->area_all += (double)sv->queued * (t - sv->t_all);
  sv->t_all = t;
}

/* The oldest request's deadline timer: at its arrival + D, class 1 (after
 * every start at that instant). Lazy: a pending timer is left alone, since
 * it is for an earlier oldest request, whose deadline (one D) is no later;
 * when it fires it re-arms for the oldest of the moment. This saves a timer
 * move per start. */
static void q_arm(run *u, uint32_t i) {
  q_dev *q = &u->sv->q[i];
  uint32_t id = sv_tmr(i, SV_TMR_DEADLINE);
  if (q->deadline && q->n && !tmr_pending(&u->q.tm, id))
    cal_set_timer(&u->q, id, q->ring[q->head].t_arr + q->deadline, EV_DEADLINE, i, 1);
}

/* Device i's head of `tok` tokens has a slot but its limiter (one with
 * ready_at: SV_TIMED; a sliding window's expiry wakes it instead,
 * sv_next_drop) refuses it at t: a timer at the time the limiter will admit
 * it (limiter.h). Its limiter changes only when the device admits, and the
 * device admits only its heads, so the time holds until the head starts or
 * leaves, or an adaptive window's controller moves W (adapt_fire calls
 * sv_try_start, which re-arms it); the test is applied again when the timer
 * fires. Strictly after t, so a limiter that misjudged its rounding costs a
 * later test, never a loop at t. */
static __attribute__((noinline)) void q_arm_ready(run *u, uint32_t i, double t, uint64_t tok) {
  const lim_grp *g = &u->lims.g[u->devs[i].grp];
  double tr = g->ops->ready_at(g, i, tok, t);
  if (!(tr > t))
    tr = nextafter(t, INFINITY);
  if (tr < INFINITY) /* tok <= C: always finite */
    cal_set_timer(&u->q, sv_tmr(i, SV_TMR_READY), tr, EV_READY, i, 0);
}

/* After sv_try_start at t on device i (SV_TIMED): the head-ready timer is
 * pending iff its limiter alone holds the head back (a head, a slot, no
 * fault), armed for that head; otherwise a timer left from a head that has
 * started is cancelled. */
static __attribute__((noinline)) void q_blocked(run *u, uint32_t i, double t) {
  const q_dev *q = &u->sv->q[i];
  const dev *d = &u->devs[i];
  if (q->n && d->inflight < q->par && !(d->closed & DEV_CLOSED_FAULT))
    q_arm_ready(u, i, t, q_head(u->sv, q, q->sjf != 0)->tok);
  else
    cal_cancel_timer(&u->q, sv_tmr(i, SV_TMR_READY));
}

/* Device i takes no new arrival directly (0) or takes them again (1,
 * unless it is down): faults.h's dev_set_open, which tells the dispatcher. */
static void q_set_open(run *u, uint32_t i, int open) { dev_set_open(u, i, open, DEV_CLOSED_QUEUE); }

/* Joins request (t, prompt, tok, cls) to device i's sjf queue: 1 if it is
 * the new head, 0 if not, -1 if out of memory. */
static int sj_push(run *u, q_dev *q, double t, uint64_t prompt, uint64_t tok, uint32_t cls) {
  q_sjf *s = sj_of(u->sv, q);
  if (!s->nfr && sj_grow(q, s))
    return -1;
  uint32_t r = s->fr[--s->nfr];
  q->ring[r] = (q_ent){t, u->rq.d, (uint32_t)tok, (uint32_t)prompt, cls, u->rq.id};
  q->n++;
  return sj_add(q, s, r, (uint32_t)tok);
}

/* Device i's fifo ring grown to twice its capacity (the first: 8), in
 * order from index 0. 0, or -1 if out of memory (unchanged). */
static int ring_grow(q_dev *q) {
  q_ent *r = ring_doubled(q->ring, sizeof *r, q->head, q->n, q->cap, 8);
  if (!r)
    return -1;
  q->ring = r, q->head = 0, q->cap = q->cap ? 2 * q->cap : 8;
  return 0;
}

/* A request joined device i's queue at t (n counts it): the counts, and
 * the first one closes the device. */
static inline void q_joined(run *u, uint32_t i, double t) {
  q_dev *q = &u->sv->q[i];
  u->sv->queued++;
  if (t >= u->from)
    u->sv->n_queued++;
  OBS_CALL(u, queue, t, i, q->n);
  if (q->n == 1) {
    uint8_t w = u->sv->woken[i] |= SV_WAITING;
    q_set_open(u, i, 0);
    q_arm(u, i);
    if (w & SV_TIMED) /* with a free slot, its limiter refused it (dispatch tested both) */
      q_blocked(u, i, t);
  }
  qx_update(u->sv, i);
}

/* Joins (t, prompt, tok, cls) to device i's fifo queue. 0, or -1 if out of
 * memory. */
static int q_push(run *u, q_dev *q, uint32_t i, double t, uint64_t prompt, uint64_t tok,
                  uint32_t cls) {
  if (q->n == q->cap && ring_grow(q))
    return -1;
  q_account(u, q, t);
  q->ring[(q->head + q->n++) & (q->cap - 1)] =
      (q_ent){t, u->rq.d, (uint32_t)tok, (uint32_t)prompt, cls, u->rq.id}; /* tokens <= 1e9 */
  q_joined(u, i, t);
  return 0;
}

/* The same for an sjf queue; a new head behind a head that its limiter
 * refused may fit at once (then it starts now). 0, or -1 if out of memory. */
static __attribute__((noinline)) int sj_q_push(run *u, uint32_t i, double t, uint64_t prompt,
                                               uint64_t tok, uint32_t cls) {
  q_dev *q = &u->sv->q[i];
  q_account(u, q, t);
  int top = sj_push(u, q, t, prompt, tok, cls);
  if (top < 0)
    return -1;
  q_joined(u, i, t);
  return top && q->n > 1 ? sv_try_start(u, i, t) : 0;
}

/* A request that arrived at t_arr left device i's queue at t (it started
 * or timed out); the queue's integrals were brought to t before. */
static inline __attribute__((always_inline)) void q_left(run *u, uint32_t i, double t,
                                                         double t_arr) {
  svc *sv = u->sv;
  q_dev *q = &sv->q[i];
  if (!--q->n)
    sv->woken[i] &= (uint8_t)~SV_WAITING;
  sv->queued--;
  sv->wait_sum += t - t_arr;
  sv->n_left++;
  OBS_CALL(u, queue, t, i, q->n);
}

/* Removes the fifo head (the oldest) at t: it starts or times out. */
static inline __attribute__((always_inline)) q_ent q_pop(run *u, uint32_t i, double t) {
  q_dev *q = &u->sv->q[i];
  q_account(u, q, t);
  q_ent e = q->ring[q->head];
  q->head = (q->head + 1) & (q->cap - 1);
  q_left(u, i, t, e.t_arr);
  return e;
}

/* Removes the sjf head (it starts) or, when `oldest`, the oldest request
 * (it times out) at t. */
static q_ent sj_pop(run *u, uint32_t i, double t, int oldest) {
  q_dev *q = &u->sv->q[i];
  q_sjf *s = sj_of(u->sv, q);
  q_account(u, q, t);
  uint32_t r = oldest ? q->head : s->hp[0].r;
  q_ent e = q->ring[r];
  sj_remove(q, s, r);
  q_left(u, i, t, e.t_arr);
  return e;
}

int sv_offer(run *u, long picked, double t, uint64_t prompt, uint64_t tok, uint32_t cls) {
  svc *sv = u->sv;
  if (!sv->any_queue)
    return 0;
  long i = picked >= 0 ? picked : qx_pick(sv, tok);
  if (i < 0)
    return 0;
  q_dev *q = &sv->q[i];
  if (q->n >= q->max || tok > u->devs[i].cap_tokens || (u->devs[i].closed & DEV_CLOSED_FAULT))
    return 0; /* full, too large, or down (faults.h) */
  OBS_CALL(u, wait, t, picked, (size_t)i, &(wl_arrival){prompt, tok, cls, 0});
  if (u->ad) /* adapt.h: an offer refused at once, though it waits */
    adapt_refused(u, picked);
  if (q->sjf)
    return sj_q_push(u, (uint32_t)i, t, prompt, tok, cls) ? -1 : 1;
  return q_push(u, q, (uint32_t)i, t, prompt, tok, cls) ? -1 : 1;
}

/* sv_try_start's work for a queue in fifo (sjf 0) or sjf order, whose
 * limiter has ready_at (timed, limiter.h) or not, on an adaptive window
 * (adapt, adapt.h: its controller counts the starts) or not: constants, so
 * that each case gets its own copy, and the paper's case (fifo, sliding
 * window) tests none. */
static inline __attribute__((always_inline)) int try_start_k(run *u, svc *sv, uint32_t i, double t,
                                                             int sjf, int timed, int adapt) {
  q_dev *q = &sv->q[i];
  dev *d = &u->devs[i];
  int moved = 0;
  while (q->n && d->inflight < q->par && !(d->closed & DEV_CLOSED_FAULT)) {
    const q_ent *h = q_head(sv, q, sjf);
    if (u->lims.lazy)
      lim_sync(&u->lims.g[d->grp], i, t);
    if (d->used > d->cap_tokens - h->tok) /* tok <= C: checked when it joined */
      break;
    q_ent e = sjf ? sj_pop(u, i, t, 0) : q_pop(u, i, t);
    moved = 1;
    u->rq = (rq_tag){e.d, 0, RQ_NO_ESC, e.id}; /* route.h: who answers it is counted now */
    if (sv_start(u, i, t, e.t_arr, e.tok, e.prompt, e.cls))
      return -1;
    if (adapt)
      adapt_started(u, i);
  }
  if (moved) {
    if (!q->n)
      q_set_open(u, i, 1);
    q_arm(u, i);
    qx_update(sv, i);
  }
  if (timed)
    q_blocked(u, i, t);
  return 0;
}

/* sv_try_start for an sjf queue or a limiter with ready_at. */
static __attribute__((noinline)) int try_start_other(run *u, uint32_t i, double t) {
  svc *sv = u->sv;
  uint8_t w = sv->woken[i];
  if (w & SV_ADAPT) /* (timed) */
    return try_start_k(u, sv, i, t, (w & SV_SJF) != 0, 1, 1);
  if (w & SV_SJF)
    return try_start_k(u, sv, i, t, 1, (w & SV_TIMED) != 0, 0);
  return try_start_k(u, sv, i, t, 0, 1, 0);
}

int sv_try_start(run *u, uint32_t i, double t) {
  svc *sv = u->sv;
  uint8_t w = sv->woken[i]; /* an empty queue: its byte, not its record */
  if ((w & (SV_WAITING | SV_SJF | SV_TIMED)) != SV_WAITING)
    return w & SV_WAITING ? try_start_other(u, i, t) : 0;
  return try_start_k(u, sv, i, t, 0, 0, 0);
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
  return t; /* other kinds: a blocked head has its own ready timer (q_arm_ready) */
}

/* The head (and any behind it) waited until t >= arrival + D: out. */
int sv_fire_deadline(run *u, const heap_ev *ev) {
  svc *sv = u->sv;
  uint32_t i = ev->arg;
  q_dev *q = &sv->q[i];
  double t = ev->t;
  int out = 0;
  if (q->n && q->ring[q->head].t_arr + q->deadline > t) { /* an earlier one's: re-arm */
    q_arm(u, i);
    return 0;
  }
  if (sv->woken[i] & SV_TIMED) /* the head's, which leaves */
    cal_cancel_timer(&u->q, sv_tmr(i, SV_TMR_READY));
  while (q->n && q->ring[q->head].t_arr + q->deadline <= t) {
    q_ent e = q->sjf ? sj_pop(u, i, t, 1) : q_pop(u, i, t);
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

/* Device i's limiter admits its head now (q_arm_ready): start what fits. */
int sv_fire_ready(run *u, const heap_ev *ev) { return sv_try_start(u, ev->arg, ev->t); }
