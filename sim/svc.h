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
 * per request in steady state). While a device's queue is non-empty it is
 * closed to new arrivals (faults.h: dev_set_open with DEV_CLOSED_QUEUE,
 * the mechanism failures use, so the two compose: max_par is 0 while
 * either holds), so dev_admits() refuses every arrival and they join the
 * tail (FIFO fairness); it reopens when the queue empties (and the device
 * is up). While a device is down (DEV_CLOSED_FAULT) its queue takes no
 * newcomer and its heads wait for the repair or their deadline. The head starts as soon as a slot
 * is free (inflight < P) and its limiter admits it: re-checked on every completion and every window
 * expiry of that device (expiries are processed at their own times while any request waits), head
 * first. A request whose tokens exceed C never joins a queue (it could never start). With
 * deadline_s D a request still waiting at arrival + D leaves the queue and is redirected (or
 * dropped without the cloud), counted timed_out; a start at exactly arrival + D wins (deadline
 * events are priority class 1, cal.h). One per-device timer tracks the head's deadline (FIFO:
 * deadlines expire in queue order).
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
 * and timer.
 */
#ifndef ES_SVC_H
#define ES_SVC_H

#include <stdint.h>

#include "heap.h"

struct run;

/* Per-device timer ids: 3 i + SV_TMR_*. */
enum { SV_TMR_SVC = 0, SV_TMR_PREFILL = 1, SV_TMR_DEADLINE = 2 };

typedef struct q_ent {
  double t_arr;
  double d; /* its difficulty (run.rq.d, route.h; 0 without) */
  uint32_t tok, prompt, cls;
  uint32_t id; /* run.rq.id: its observer id's low 32 bits (observe.h), 0 without */
} q_ent;

typedef struct q_dev {
  q_ent *ring; /* capacity cap (a power of two, grown to >= max) */
  uint32_t head, n, cap, max;
  uint32_t par;       /* P of the entry (max_par is 0 while the device is closed) */
  double deadline;    /* D, seconds; 0: none */
  double area;        /* integral of the queue length over [from, to) */
  double t_last;      /* time of the last change of n */
  uint64_t timed_out; /* requests of the statistics window that timed out */
} q_dev;

typedef struct sv_req {
  double key; /* decode heap: finish virtual time; prefill heap: prefill end */
  double t_arr, t_start, t_first;
  uint64_t tok, prompt;
  double d, acc; /* routing (run.rq, route.h): difficulty, accuracy credited */
  uint32_t esc;  /* its cascade escalation record, or RQ_NO_ESC (run.h) */
  uint32_t id;   /* run.rq.id (observe.h) */
} sv_req;

typedef struct sv_heap {
  sv_req *a;
  uint32_t n, cap;
} sv_heap;

typedef struct s_dev {
  double v, t0, r;       /* virtual clock at t0; current per-request rate r(ndec) */
  uint32_t ndec;         /* requests decoding */
  sv_heap dec, pf;       /* decoding (by finish V), prefilling (by end time) */
  const double *cn, *ca; /* batch curve: sizes and aggregate tokens/s */
  uint32_t nc;
  double pf_tps, pf_over;
} s_dev;

typedef struct qx_class {
  uint64_t cap;
  uint32_t leaves; /* a power of two */
  uint32_t *node;  /* 2 * leaves: device index (UINT32_MAX empty), root at 1 */
} qx_class;

typedef struct svc {
  q_dev *q;  /* per device */
  s_dev *sh; /* per device (used where service is shared) */
  uint8_t *shared;
  double *qkey; /* fallback index key per device: expected wait, or +inf */
  double *qinv; /* 1 / (P * per-request rate at full occupancy) */
  qx_class *qx; /* one tree per distinct C among queue devices */
  uint32_t nqx, *qx_cls, *qx_leaf;
  uint32_t *wake; /* devices whose window dropped while they had a queue */
  uint8_t *woken;
  size_t nwake;
  uint64_t queued;        /* requests waiting now, all devices */
  double area_all, t_all; /* Little: integral of `queued` over the whole run */
  double wait_sum;        /* Little: sum of the waits of requests that left a queue */
  uint64_t n_left;
  uint64_t n_timed_out, n_queued, slo_met; /* statistics window, by arrival */
  int any_queue;
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
/* Device i's window dropped: remember it for sv_wake_all if it has a queue. */
static inline void sv_dropped(struct svc *sv, uint32_t i);
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

/* The queue/service results into u->r (after the run), and Little's law:
 * 0, or -1 with the two sides in *l, *w when they differ. */
void sv_finish(struct run *u);
int sv_check_little(const struct run *u, double *l, double *w);

static inline void sv_dropped(struct svc *sv, uint32_t i) {
  if (sv->q[i].n && !sv->woken[i]) {
    sv->woken[i] = 1;
    sv->wake[sv->nwake++] = i;
  }
}

#endif
