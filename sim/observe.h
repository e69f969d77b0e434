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
 *   done    a request left device i at t (its slot is free; inflight updated)
 *   expire  tokens admitted by device i left its window at t: sliding
 *           windows report each admission with its exact leave time
 *           (admission + W) and tokens, just before the engine takes it
 *           out, when the engine brings the window to the next arrival;
 *           other limiter kinds report tokens = 0 after `used` dropped
 *   arrive  a request of a->tokens at t, after every completion and expiry
 *           due by t; before the dispatch decision
 *   admit   device i admitted it (used, inflight updated); it completes
 *           at t + service unless a service model changes that
 *   reject  it was rejected at the edge; `picked` is the device tried, -1
 *           if the policy found none; `reason` says which test failed
 *   queue   device i's queue now holds `len` requests (queue.c, after
 *           each join and each start or time-out of a queued request)
 *   end     once, after the last event, at duration_s
 * An arrival is followed by exactly one admit or reject. Request ids are
 * the observers' own: arrivals counted from 1.
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
  OBS_REASONS_END
};

typedef struct obs obs;

typedef struct obs_ops {
  void (*start)(obs *o, const run *u, double t);
  void (*done)(obs *o, const run *u, double t, size_t i);
  void (*expire)(obs *o, const run *u, double t, size_t i, uint64_t tokens);
  void (*arrive)(obs *o, const run *u, double t, const wl_arrival *a);
  void (*admit)(obs *o, const run *u, double t, size_t i, const wl_arrival *a, double service);
  void (*reject)(obs *o, const run *u, double t, long picked, const wl_arrival *a,
                 enum obs_reason reason);
  void (*queue)(obs *o, const run *u, double t, size_t i, size_t len);
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
OBS_COLD void obs_done(const run *u, double t, size_t i);
OBS_COLD void obs_expire(const run *u, double t, size_t i, uint64_t tokens);
OBS_COLD void obs_arrive(const run *u, double t, const wl_arrival *a);
OBS_COLD void obs_admit(const run *u, double t, size_t i, const wl_arrival *a, double service);
OBS_COLD void obs_reject(const run *u, double t, long picked, const wl_arrival *a,
                         enum obs_reason reason);
OBS_COLD void obs_queue(const run *u, double t, size_t i, size_t len);
OBS_COLD void obs_end(const run *u, double t);

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
  double *end;     /* its planned completion, seconds */
  uint64_t *tok;   /* its output tokens */
  uint64_t *ptok;  /* its prompt tokens */
  uint64_t nslots; /* sum of P */
} obs_slots;

/* Most slots an observer tracks (sum of P over the devices): 41 bytes each,
 * so at most about 410 MB. */
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
/* Frees the slot of device i whose request completes at t: the one
 * planned to end at t, the earliest admitted among equals (the calendar's
 * order), else the one planned to end first. Its index within the device
 * and its request in *id, or -1 if the device has no request. The slot's
 * other fields stay readable until it is taken again. */
long obs_slots_release(obs_slots *s, size_t i, double t, uint64_t *id);

#endif
