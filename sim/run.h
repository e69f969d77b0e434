/* run.h: the state of one run, shared by the engine and the modules that
 * add behaviour to it (event handlers, the cloud, queues), so that each
 * lives in its own file. Internal to sim/: the CLI sees only engine.h.
 *
 * Invariants between events: every device's `used` is current for eager
 * limiter kinds (lazy ones are synced before they are tested); `inflight`
 * counts requests holding a slot; the totals below count requests that
 * arrived in the statistics window [from, to).
 */
#ifndef ES_RUN_H
#define ES_RUN_H

#include <stdio.h>

#include "cal.h"
#include "device.h"
#include "dispatch.h"
#include "engine.h"
#include "limiter.h"
#include "svc.h"
#include "workload.h"

struct obs;

/* What a request carries while it waits (route.h; observe.h for the id). */
typedef struct rq_tag {
  double d;     /* its difficulty */
  double acc;   /* at the edge: the expected accuracy credited for its answer */
  uint32_t esc; /* a cascade's pending escalation (route.c's record), or RQ_NO_ESC */
  uint32_t id;  /* with observers: its id's low 32 bits (observe.h); else 0 */
} rq_tag;
#define RQ_NO_ESC UINT32_MAX

typedef struct run {
  const scn *s;
  es_result *r;
  dev *devs;
  size_t n;
  cal q;        /* every event but arrivals */
  lim_set lims; /* the devices' limiter groups */
  size_t ntok;  /* token values: service class = spec * ntok + token index */
  /* Service time ttft + tokens / tgs of each service class, computed at its
   * first admission (NaN before); NULL without classes (traces). The same
   * double as computing it each time, without a division per request. */
  double *svc_s;
  double events; /* calendar events run plus arrivals */
  /* Exact totals over the statistics window (integers: a double loses
   * tokens past 2^53; 10^10 requests of up to 10^9 tokens, the documented
   * limits, fit in 64 bits): requests, then output tokens. */
  uint64_t n_gen, n_edge, n_redir, n_drop;
  uint64_t k_gen, k_edge, k_cloud, k_drop;
  wl w;
  disp d;
  double from, to; /* statistics window [from, to), seconds */
  /* time series: interval k covers [k * ts_len, (k + 1) * ts_len) */
  FILE *ts;
  double ts_len;
  uint64_t ts_k;
  double ts_arr, ts_served, ts_redir, ts_drop, ts_tok_edge, ts_tok_cloud, ts_usd;
  struct cloud_run *cl; /* cloud.c's state; NULL: the paper's cloud */
  struct flt_run *fl;   /* faults.c's state; NULL: no device fails */
  /* observers (observe.h: --events, --trace), or NULL: then each hook is one test */
  struct obs *obs;
  uint64_t obs_n; /* with observers: arrivals so far (the last one's id); else 0 */
  /* route.c (route.h): its state, NULL without `difficulty`; a cascade's
   * escalations in the window (answered at the edge, then by the cloud:
   * counted in both n_edge and n_redir), their tokens; and the edge time
   * an escalation adds to the cloud's latency while cloud_send runs. */
  struct route_run *rt;
  uint64_t n_esc, k_esc;
  double cloud_lat_add;
  /* The request being handled (route.h, with `difficulty`): set at its
   * arrival and restored from wherever it waited (a queue entry, a slot, a
   * retry record) before it moves on, so the function that counts where it
   * was answered reads its difficulty here. Unused (0) without. */
  rq_tag rq;
  svc *sv;              /* queues and shared service (svc.h), or NULL: the paper's model */
  struct adapt_run *ad; /* adapt.c's state, NULL unless a device has limiter.adapt */
  int xdone;            /* fl or ad: an admission's completion kind may not be EV_DONE */
} run;
typedef struct cloud_run cloud_run;
typedef struct flt_run flt_run;
typedef struct route_run route_run;

/* Event types, rows of engine.c's EV_TYPES; heap_ev.kind's low 8 bits
 * (faults.c keeps a slot index in the upper 24). */
enum run_ev {
  EV_DONE = 1,   /* a request finished on device arg */
  EV_FDONE,      /* the same on a device with failures (faults.c) */
  EV_FAIL,       /* device arg fails (faults.c) */
  EV_REPAIR,     /* device arg is repaired (faults.c) */
  EV_RETRY,      /* a cloud retry, pool record arg (cloud.c) */
  EV_CLOUD_DONE, /* a cloud request finished (cloud.c, max_concurrency) */
  EV_SVC,        /* a shared-service completion on device arg (service.c) */
  EV_PREFILL,    /* a prefill end on device arg (service.c) */
  EV_DEADLINE,   /* a queue head's deadline on device arg (queue.c) */
  EV_ESC,        /* a cascade's edge answer completed: escalate record arg (route.c) */
  EV_ROUTE,      /* the routing strategy's event on device arg (route.c: a model swap ends) */
  EV_ADAPT,      /* the adaptive window's controller on device arg (adapt.c) */
  EV_ADONE,      /* a completion on a device that measures its utilization (adapt.c) */
  EV_READY,      /* device arg's limiter admits its waiting queue head now (queue.c) */
  EV_TYPES_END
};
#define EV_KIND_MASK 0xffu

/* The engine's completion of a request on device ev->arg (frees its slot). */
int run_done(run *u, const heap_ev *ev);
/* The completion kind of a fixed-service admission on device i at t (it
 * arrived at t_arr) when u->xdone: a device with failures (faults.h: its
 * flt_admit) or an adaptive window measuring its utilization (adapt.h). */
uint32_t run_done_kind(run *u, size_t i, double t_arr, double t, uint64_t prompt, uint64_t tok,
                       double service);
/* The engine's admission of arrival a on device i at t (i admits it). */
int run_admit(run *u, size_t i, double t, const wl_arrival *a);
/* The same, served with the numbers (tgs, ttft_s, quality) of `lm`, one of
 * its entry's stored LMs (scn_device.lms; route.h), whose completions have
 * their own class block lm->lm_class. */
int run_admit_as(run *u, size_t i, double t, const wl_arrival *a, const scn_device *lm);
/* Writes the time-series rows of every interval that ends at or before t. */
void run_ts_advance(run *u, double t);

/* A request rejected at the edge (engine.c): to the cloud, or dropped.
 * `picked` (or -1) counts a rejection; t_arr decides whether it counts in
 * the statistics; `wait` is the time it waited in a queue (0 when it never
 * joined one; then it is the paper's rejection). */
void run_reject(run *u, long picked, double t_arr, double wait, uint64_t prompt, uint64_t tok);

/* Length of [a, b) inside the statistics window. */
static inline double run_clip(const run *u, double a, double b) {
  if (a < u->from)
    a = u->from;
  if (b > u->to)
    b = u->to;
  return b > a ? b - a : 0;
}

#endif
