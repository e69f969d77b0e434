/* observe.h: observers of a run's events (--events, --trace).
 *
 * An observer is one row of obs_ops and a context; es_opts.obs points to a
 * chain of them (obs.next), which the engine copies into run.obs. The
 * engine calls each hook through OBS_CALL, which is a NULL check and
 * nothing else when no observer is set, so a plain run pays one
 * predictable branch per event. Hooks only read the run; they must not
 * change it. The observer owns its own state; the caller that made the
 * chain frees it after es_run.
 *
 * When the hooks are called (the engine's order):
 *   start   once, after setup, at t = 0 (device names: u->r->dev[i].name)
 *   done    request `id` left device i at t (its slot is free; inflight
 *           updated); id 0: the request whose planned end is t (fixed
 *           service: obs_slots_release finds it), else its id (shared
 *           service, svc.h, whose ends are not known at the start)
 *   expire  tokens admitted by device i left its window at t: sliding
 *           windows report each admission with its exact leave time
 *           (admission + W) and tokens, just before the engine takes it
 *           out, when the engine brings the window to the next arrival;
 *           fixed_window and adaptive windows report tokens = 0 at the
 *           instant `used` dropped (the boundary; the leave time)
 *   arrive  a request of a->tokens at t, after every completion and expiry
 *           due by t; before the dispatch decision
 *   admit   device i admitted the request obs_req_id(u) (used, inflight
 *           updated), which arrived at t_arr: t_arr = t for an arrival
 *           admitted at once, t_arr <= t for a queue head that starts now
 *           (svc.h). Fixed service: it completes at t + service. Shared
 *           service: its first token comes at t + service (the prefill,
 *           maybe 0); its completion is reported by `done` with its id
 *   reject  it was rejected at the edge; `picked` is the device tried, -1
 *           if the policy found none; `reason` says which test failed
 *   queue   device i's queue now holds `len` requests (queue.c, after
 *           each join and each start or time-out of a queued request)
 *   wait    the arrival joins device i's queue instead of a decision,
 *           called just before it does (the queue holds u->sv->q[i].n
 *           before it): `picked` is the device the policy picked, or -1
 *           when no device admitted and the fallback chose i (README,
 *           "Queues")
 *   timeout the queued request obs_req_id(u), arrived at t_arr, left
 *           device i's queue at its deadline t; the cloud takes it (or
 *           it is dropped) at t
 *   first   request `id` ended its prefill on device i at t (shared
 *           service: its first token), called just before it joins the
 *           decoding requests (u->sv->sh[i].ndec does not count it yet)
 *   swap    model_switch (route.h) closed device i at t to swap its
 *           resident LM `from` for `to`: it drains its requests in flight,
 *           loads `to` over [load_start, load_end] and reopens at
 *           load_end; called after the outcome (admission or rejection)
 *           of the arrival whose need decided it
 *   end     once, after the last event, at duration_s
 * An arrival is followed by exactly one admit, reject or wait (one that a
 * routing strategy sends straight to the cloud, route.h, by a reject with
 * picked -1 and reason OBS_ROUTED); a request that waited is later followed
 * by one admit or timeout. A failure's cut (faults.h) is not reported either. Request ids are
 * arrivals counted from 1 (run.obs_n, counted by obs_arrive); the request
 * being handled carries the low 32 bits of its id in run.rq.id (route.h's
 * tag, kept in queue entries and shared-service records), so obs_req_id
 * is exact while fewer than 2^32 requests arrive during one request's
 * stay. Without observers the ids stay 0.
 */
#ifndef ES_OBSERVE_H
#define ES_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* Why the edge rejected a request: the first failed test of the admission
 * rule (device.h) on the picked device, or no device at all. New reasons
 * (a full queue, a deadline) are rows here and in obs_reason_name(). */
enum obs_reason {
  OBS_NO_DEVICE,
  OBS_SLOTS,
  OBS_WINDOW,
  OBS_QUEUE_FULL, /* queues (svc.h): the picked device's queue is full */
  OBS_DEADLINE,   /* queues: it waited past its deadline (picked: its device) */
  OBS_ROUTED,     /* routing (route.h) sent it to the cloud before dispatch (picked: -1) */
  OBS_SENT_UP,    /* model_switch: the picked device admits, its resident LM is not good enough */
  OBS_REASONS_END
};

typedef struct obs obs;

typedef struct obs_ops {
  void (*start)(obs *o, const run *u, double t);
  void (*done)(obs *o, const run *u, double t, size_t i, uint64_t id);
  void (*expire)(obs *o, const run *u, double t, size_t i, uint64_t tokens);
  void (*arrive)(obs *o, const run *u, double t, const wl_arrival *a);
  void (*admit)(obs *o, const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
                double service);
  void (*reject)(obs *o, const run *u, double t, long picked, const wl_arrival *a,
                 enum obs_reason reason);
  void (*queue)(obs *o, const run *u, double t, size_t i, size_t len);
  void (*wait)(obs *o, const run *u, double t, long picked, size_t i, const wl_arrival *a);
  void (*timeout)(obs *o, const run *u, double t, size_t i, double t_arr, const wl_arrival *a);
  void (*first)(obs *o, const run *u, double t, size_t i, uint64_t id);
  void (*swap)(obs *o, const run *u, double t, size_t i, const char *from, const char *to,
               double load_start, double load_end);
  void (*end)(obs *o, const run *u, double t);
} obs_ops;

struct obs {
  const obs_ops *ops;
  obs *next; /* the next observer of the chain, or NULL */
};

/* Calls hook `h` of every observer of run u: with none, one test of a
 * pointer, predicted not taken, and nothing else (the chain is walked out
 * of line, in obs_<h>() below, so the engine's hot functions keep their
 * size and inlining). The arguments are evaluated only with observers. */
#define OBS_CALL(u, h, ...)                                                                        \
  do {                                                                                             \
    if (__builtin_expect((u)->obs != NULL, 0))                                                     \
      obs_##h((u), __VA_ARGS__);                                                                   \
  } while (0)

/* The chain walks behind OBS_CALL: each calls hook h of every observer. */
#define OBS_COLD __attribute__((cold, noinline))
OBS_COLD void obs_start(const run *u, double t);
OBS_COLD void obs_done(const run *u, double t, size_t i, uint64_t id);
OBS_COLD void obs_expire(const run *u, double t, size_t i, uint64_t tokens);
OBS_COLD void obs_arrive(run *u, double t, const wl_arrival *a); /* counts it: run.obs_n */
OBS_COLD void obs_admit(const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
                        double service);
OBS_COLD void obs_reject(const run *u, double t, long picked, const wl_arrival *a,
                         enum obs_reason reason);
OBS_COLD void obs_queue(const run *u, double t, size_t i, size_t len);
OBS_COLD void obs_wait(const run *u, double t, long picked, size_t i, const wl_arrival *a);
OBS_COLD void obs_timeout(const run *u, double t, size_t i, double t_arr, const wl_arrival *a);
OBS_COLD void obs_first(const run *u, double t, size_t i, uint64_t id);
OBS_COLD void obs_swap(const run *u, double t, size_t i, const char *from, const char *to,
                       double load_start, double load_end);
OBS_COLD void obs_end(const run *u, double t);

/* The full id of a request whose id's low 32 bits are `low` (run.rq.id,
 * a queue entry's or a shared-service record's), among the last 2^32
 * arrivals; and that of the request being handled now. */
static inline uint64_t obs_id_of(const run *u, uint32_t low) {
  return u->obs_n - (uint32_t)((uint32_t)u->obs_n - low);
}
static inline uint64_t obs_req_id(const run *u) { return obs_id_of(u, u->rq.id); }

/* The reason device `picked` (-1: none) could not admit `tok` tokens now. */
enum obs_reason obs_reason_of(const run *u, long picked, uint64_t tok);
const char *obs_reason_name(enum obs_reason r);

/* Reports every admission of sliding-window group g due to leave by t
 * (expire hooks), before the engine takes them out. */
OBS_COLD void obs_window_due(const run *u, const lim_grp *g, double t);

/* Slots of every device, for observers that draw a track per slot: a
 * request takes the lowest free slot index of its device, so the requests
 * of one slot never overlap in time. Owns its arrays. */
typedef struct obs_slots {
  size_t *base;    /* device i's slots are [base[i], base[i + 1]) */
  uint64_t *id;    /* the request in the slot, 0 if free */
  double *start;   /* its admission time, seconds */
  double *end;     /* its planned completion, seconds (+inf: shared service) */
  double *arr;     /* its arrival, seconds (before `start` if it waited) */
  double *first;   /* its first token, seconds (shared service; else unused) */
  uint64_t *tok;   /* its output tokens */
  uint64_t *ptok;  /* its prompt tokens */
  uint64_t nslots; /* sum of P */
} obs_slots;

/* Most slots an observer tracks (sum of P over the devices): 57 bytes each,
 * so at most about 570 MB. */
#define OBS_MAX_SLOTS 10000000ull

/* 0, or -1 if out of memory (obs_slots_destroy is still safe). The caller
 * keeps the slots within OBS_MAX_SLOTS (obs_slot_count). */
int obs_slots_init(obs_slots *s, const scn *sc);
void obs_slots_destroy(obs_slots *s);
uint64_t obs_slot_count(const scn *sc);
/* Puts request `id` into device i's lowest free slot; its index within
 * the device (the device had a free slot: it admitted). */
size_t obs_slots_take(obs_slots *s, size_t i, uint64_t id, double t, double end,
                      const wl_arrival *a);
/* The slot of device i that holds request id, its index within the
 * device, or -1. */
long obs_slots_find(const obs_slots *s, size_t i, uint64_t id);
/* Frees the slot of device i whose request completes at t: the one
 * planned to end at t, the earliest admitted among equals (the calendar's
 * order), else the one planned to end first. Its index within the device
 * and its request in *id, or -1 if the device has no request. The slot's
 * other fields stay readable until it is taken again. */
long obs_slots_release(obs_slots *s, size_t i, double t, uint64_t *id);
/* Frees the slot of device i that holds request id (done with an id);
 * its index within the device, or -1. */
long obs_slots_release_id(obs_slots *s, size_t i, uint64_t id);

#endif
