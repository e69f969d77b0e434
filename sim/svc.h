/* svc.h: per-device queues and shared (processor-sharing) service, issue 13.
 * Internal to sim/ (the engine and queue.c, service.c); README "Queues and
 * contention" states the semantics, which this header summarises.
 *
 * Opt-in: a run has a `svc` (run.sv != NULL) only when its scenario uses a
 * queue, shared service, prefill or slo key (scn.ext); otherwise none of
 * this is touched and the engine runs the paper's model unchanged.
 *
 * Queue (queue.c). A device entry with queue.max > 0 keeps a FIFO ring of
 * waiting requests, grown by doubling up to `max` (nothing is allocated
 * per request in steady state), or under discipline sjf the same records
 * in a heap by (tokens, arrival) with arrival-order links (q_sjf): its
 * head, the next to start, is the request with the fewest tokens, and its
 * deadline timer follows the oldest (q_dev.head under both). While a device's queue is non-empty it
 * is closed to new arrivals (faults.h: dev_set_open with DEV_CLOSED_QUEUE, the mechanism failures
 * use, so the two compose: max_par is 0 while either holds), so dev_admits() refuses every arrival
 * and they join the tail (FIFO fairness); it reopens when the queue empties (and the device is up).
 * While a device is down (DEV_CLOSED_FAULT) its queue takes no newcomer and its heads wait for the
 * repair or their deadline. The head starts as soon as a slot is free (inflight < P) and its
 * limiter admits it: re-checked on every completion, and when the limiter first admits it: a
 * sliding window's expiries (processed at their own times while any request waits), or for the
 * other kinds a per-device timer at the limiter's ready_at (limiter.h), armed when the head has a
 * slot but not the limiter (the device admits nothing else meanwhile, so the time holds; a timer
 * made stale by a start at the same instant finds nothing to do), head first. A request whose
 * tokens exceed C never joins a queue (it could never start). With deadline_s D a request still
 * waiting at arrival + D leaves the queue and is redirected (or dropped without the cloud), counted
 * timed_out; a start at exactly arrival + D wins (deadline events are priority class 1, cal.h). One
 * per-device timer tracks the oldest request's deadline (one D: deadlines expire in arrival order).
 *
 * Shared service (service.c). With n requests decoding, each decodes at
 * r(n) = A(n)/n tokens/s, A interpolated linearly in the entry's batch
 * curve and flat beyond its last point. A per-device virtual clock V
 * (dV/dt = r(n)) makes each change O(log n): a request of k tokens joining
 * at V0 finishes when V reaches V0 + k; a per-device min-heap of those
 * finish values gives the next completion, kept as one per-device timer
 * moved in place (tmr.h). Prefill (overhead + prompt / prefill_tps) runs
 * from the start, concurrently with decode and without slowing it (a
 * simplification), holding the slot; its ends are a second per-device heap
 * and timer. The four timers of a device (completion, prefill end, head
 * deadline, head ready) are the slots of one tmr owner, so the calendar orders devices
 * by their earliest one; a handler's changes to its own device's timers
 * cost one move when it returns (tmr_settle, run_due_sv).
 */
#ifndef ES_SVC_H
#define ES_SVC_H

#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "lenidx.h"
#include "tmr.h"

struct run;

/* Per-device timer ids: TMR_SUB i + SV_TMR_* (the slots of owner i). */
enum { SV_TMR_SVC = 0, SV_TMR_PREFILL = 1, SV_TMR_DEADLINE = 2, SV_TMR_READY = 3 };
_Static_assert(TMR_SUB == 4, "svc.h: four timers per device");
static inline uint32_t sv_tmr(uint32_t i, uint32_t slot) { return TMR_SUB * i + slot; }

/* A waiting request, as queue.c's q_pop returns it. */
typedef struct q_ent {
  double t_arr;
  double d; /* its difficulty (run.rq.d, route.h; 0 without) */
  uint32_t tok, prompt, cls;
  uint32_t id; /* run.rq.id: its observer id's low 32 bits (observe.h), 0 without */
} q_ent;

typedef struct q_dev {
  q_ent *ring;                /* capacity cap (a power of two, grown to >= max); sjf: the records */
  uint32_t head, n, cap, max; /* head: the oldest request (fifo: also the next to start) */
  uint32_t par;               /* P of the entry (max_par is 0 while the device is closed) */
  uint32_t sjf;               /* 0: fifo; else its order is svc.sj[sjf - 1] */
  double deadline;            /* D, seconds; 0: none */
  double area;                /* integral of the queue length over [from, to) */
  double t_last;              /* time of the last change of n */
  uint64_t timed_out;         /* requests of the statistics window that timed out */
} q_dev;

/* A queue in sjf order (discipline "sjf"): its requests are records of
 * q_dev.ring (cap of them, the free ones stacked in fr), linked in arrival
 * order (prv, nxt; q_dev.head the oldest, young the newest: deadlines
 * expire in that order) and kept in a binary min-heap by (tokens, arrival sequence)
 * (its top is the head, the next to start); pos[r] is record r's place in
 * the heap, so a time-out leaves from the middle in O(log n). Arrays sized
 * by cap, grown with it; nothing is allocated per request. */
typedef struct q_hent {
  uint32_t tok, r; /* tokens, record */
  uint64_t seq;    /* arrival order on its device */
} q_hent;

#define Q_NONE UINT32_MAX
typedef struct q_sjf {
  q_hent *hp;                     /* the heap: q_dev.n entries */
  uint32_t *pos, *prv, *nxt, *fr; /* per record; fr: the nfr free records */
  uint32_t nfr, young;            /* young: Q_NONE when empty */
  uint64_t seq;                   /* the next arrival's */
} q_sjf;

/* A request holding a slot under shared service, in its device's pool:
 * 32 bytes, what every event reads. Its routing and observer tag (run.h's
 * rq_tag) sits apart (s_dev.tag), written and read only in runs that have
 * routing or an observer (svc.tags); in others u->rq is always SV_NO_TAG. */
typedef struct sv_req {
  double t_arr, t_start, t_first;
  uint32_t tok, prompt; /* <= 10^9 (workload and trace bounds) */
} sv_req;
_Static_assert(sizeof(sv_req) == 32, "svc.h: two records a line");

/* A heap entry: decode heap, finish virtual time; prefill heap, prefill
 * end; and the request's index in the device's pool. 16 bytes, so a
 * device's heaps stay within a few cache lines. */
typedef struct sv_ent {
  double key;
  uint32_t r, pad;
} sv_ent;

typedef struct sv_heap {
  sv_ent *a;
  uint32_t n, cap;
} sv_heap;

/* 64-byte aligned: an event's fields on two lines (clock and heaps; pool,
 * rates and prefill), the curve (rarely read) on a third. */
typedef struct s_dev {
  _Alignas(64) double v; /* virtual clock at t0 */
  double t0, r;          /* r: current per-request rate r(ndec) */
  sv_heap dec, pf;       /* decoding (by finish V), prefilling (by end time) */
  uint32_t ndec;         /* requests decoding */
  uint32_t nfr;          /* free records, fr[0 .. nfr) */
  sv_req *rq;            /* the pool: rcap records (grown to the device's P at most); with the
                            heaps' arrays and the free stack, one allocation (service.c) */
  uint32_t *fr;          /* free records' indices */
  struct rq_tag *tag;    /* tag[record], with svc.tags (same block) */
  const double *rn;      /* rn[n] = r(n) = A(n)/n for n < nr (the entry's table; rn[0] = 0) */
  double pf_tps, pf_over;
  uint32_t rcap, nr;
  uint32_t par;          /* P of the entry: the pool's first size */
  uint32_t nc;           /* points of the batch curve */
  const double *cn, *ca; /* batch curve: sizes and aggregate tokens/s */
} s_dev;
_Static_assert(offsetof(s_dev, rq) == 64 && offsetof(s_dev, ca) <= 184 && sizeof(s_dev) == 192,
               "svc.h: s_dev's per-event fields on two lines");

/* The fallback index: one class per distinct (C, qinv, queue max) among
 * queue devices. Inside a class the expected wait (n + 1) qinv ranks like
 * the queue length n (ties to the lowest index; a full queue not at all).
 * A class of at most LX_MAX_MEMBERS devices whose max is at most
 * LX_MAX_LEN keeps bitmaps by length (lenidx.h, O(1)); another, a
 * tournament tree whose node holds
 * n << 32 | device (n = UINT32_MAX when the queue is full; UINT64_MAX an
 * empty leaf): one comparison. */
typedef struct qx_class {
  uint64_t cap;
  double qinv;
  uint32_t max;    /* the members' queue.max */
  uint32_t leaves; /* tree: a power of two */
  uint64_t *node;  /* tree: 2 * leaves, root at 1, leaves from `leaves`; or NULL */
  uint32_t *dev;   /* bitmaps: dev[member], members in device order; or NULL */
  lenidx lx;       /* bitmaps: member k's length its queue's (none when full) */
} qx_class;

enum { SV_RATE_MAX = 4096 }; /* r(n) is tabulated up to this n, computed beyond */

/* svc.woken[i]: its queue is not empty; it is in wake[]; its limiter has
 * ready_at (a head-ready timer, limiter.h); its discipline is sjf; its
 * window adapts (adapt.h; with SV_TIMED) (the last three set once at
 * setup). */
enum { SV_WAITING = 1, SV_WOKEN = 2, SV_TIMED = 4, SV_SJF = 8, SV_ADAPT = 16 };

typedef struct svc {
  q_dev *q;  /* per device */
  q_sjf *sj; /* per device with discipline sjf (q_dev.sjf) */
  uint32_t nsj;
  s_dev *sh; /* per device (used where service is shared) */
  uint8_t *shared;
  double **rate; /* per device entry: r(n) for n <= min(P, SV_RATE_MAX), or NULL */
  double *qinv;  /* 1 / (P * per-request rate at full occupancy) */
  qx_class *qx;  /* one tree per distinct (C, qinv) among queue devices */
  uint32_t nqx, *qx_cls, *qx_leaf;
  uint32_t *wake; /* devices whose window dropped while they had a queue */
  uint8_t *woken; /* per device: SV_WAITING | SV_WOKEN | SV_TIMED | SV_SJF */
  size_t nwake;
  uint64_t queued;        /* requests waiting now, all devices */
  double area_all, t_all; /* Little: integral of `queued` over the whole run */
  double wait_sum;        /* Little: sum of the waits of requests that left a queue */
  uint64_t n_left;
  uint64_t n_timed_out, n_queued, slo_met; /* statistics window, by arrival */
  int any_queue;
  int tags;              /* routing or an observer: records keep their rq_tag (sv_req) */
  const struct win *sw1; /* the log of the only limiter group, a sliding window, or NULL */
  int sw_only; /* every limiter group a sliding window, no observer: a limiter changes only at
                  its drops (sv_next_drop) */
} svc;

/* Aggregate decode rate at concurrency n >= 1: linear between the curve's
 * points, flat beyond the last. */
static inline double sv_curve_at(const double *cn, const double *ca, uint32_t nc, double n) {
  if (n >= cn[nc - 1])
    return ca[nc - 1];
  uint32_t k = 1;
  while (cn[k] < n)
    k++;
  return ca[k - 1] + (ca[k] - ca[k - 1]) * (n - cn[k - 1]) / (cn[k] - cn[k - 1]);
}

/* Setup and teardown (queue.c). 0, or -1 if out of memory. */
int sv_init(struct run *u);
void sv_destroy(struct run *u);

/* An arrival that device `picked` (or, when -1, no device) cannot admit
 * now: joins picked's queue if it has room, or, when picked is -1, the
 * queue of the fallback (shortest expected wait). 1 if queued, 0 if not
 * (the caller rejects it), -1 if out of memory. */
int sv_offer(struct run *u, long picked, double t, uint64_t prompt, uint64_t tok, uint32_t cls);
/* Device i's window dropped, `inflight` its requests holding a slot:
 * remember it for sv_wake_all if its queue's head may start (see below). */
static inline void sv_dropped(struct svc *sv, uint32_t i, uint32_t inflight);
/* Starts the heads of the devices remembered since the last call. */
int sv_wake_all(struct run *u, double t);
/* Starts device i's queue heads while a slot and its limiter allow. */
int sv_try_start(struct run *u, uint32_t i, double t);
/* Earliest time a sliding-window group drops tokens (+inf: none). */
double sv_next_drop(const struct run *u);

/* Admission of a request at t that arrived at t_arr (service.c): limiter,
 * slot, service and the edge statistics. 0, or -1 if out of memory. */
int sv_start(struct run *u, uint32_t i, double t, double t_arr, uint64_t tok, uint64_t prompt,
             uint32_t cls);
/* The statistics of a request answered at the edge (where 0) or by the
 * cloud (where 1): queue wait, TTFT, TPOT, end to end. */
void sv_record(struct run *u, int where, double t_arr, double t_start, double t_first, double t_end,
               uint64_t tok);

/* Takes back a request's sv_record(where 0) (a failure cut it: faults.c). */
void sv_unrecord(struct run *u, double t_arr, double t_start, double t_first, double t_end,
                 uint64_t tok);
/* Device i failed at t: its shared-service requests (prefilling or
 * decoding) are cut (faults.h: dropped or failed over), its clock reset.
 * 0, or -1 if out of memory. */
int sv_cut(struct run *u, uint32_t i, double t);

/* Event handlers. */
int sv_fire_svc(struct run *u, const heap_ev *ev);
int sv_fire_prefill(struct run *u, const heap_ev *ev);
int sv_fire_deadline(struct run *u, const heap_ev *ev);
int sv_fire_ready(struct run *u, const heap_ev *ev);

/* The queue/service results into u->r (after the run), and Little's law:
 * 0, or -1 with the two sides in *l, *w when they differ. */
void sv_finish(struct run *u);
int sv_check_little(const struct run *u, double *l, double *w);

static inline void sv_dropped(struct svc *sv, uint32_t i, uint32_t inflight) {
  /* (the queue's length, not the SV_WAITING byte: the byte test made the plain run
   * loop, which shares es_run's registers, one instruction longer per request)
   *
   * A device without a free slot (inflight >= q.par) and without SV_TIMED or
   * SV_ADAPT (a plain sliding window's) is left out: its sv_try_start would
   * do nothing at all (try_start_k starts nothing without a slot and, not
   * timed, touches no timer). Exact: such a device's drops come only from
   * advance_limiters_k's pops, and every advance is followed by sv_wake_all
   * before any event runs (run_due_sv, arrive), so the call saved would
   * have seen this same inflight; a slot freed later is tried by what frees
   * it (a completion: run_done, sv_fire_svc; a failure's cut leaves the
   * device down until its repair, which calls sv_try_start). The other
   * devices keep their order in wake[], so their starts and their timers'
   * sequence numbers are unchanged. A timed device goes in regardless: its
   * sv_try_start may cancel a ready timer (q_blocked). */
  const q_dev *q = &sv->q[i];
  uint8_t w = sv->woken[i];
  if (q->n && !(w & SV_WOKEN) && (inflight < q->par || (w & (SV_TIMED | SV_ADAPT)))) {
    sv->woken[i] = w | SV_WOKEN;
    sv->wake[sv->nwake++] = i;
  }
}

#endif
