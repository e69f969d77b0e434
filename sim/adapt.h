/* adapt.h: the adaptive window (limiter.adapt, issue 15), a controller
 * that moves each adaptive device's sliding window W between w_min and
 * w_max from what the device observed, C staying.
 *
 * Semantics (README, "Adaptive window"): at t = k * interval_s (k = 1, 2,
 * ..., t < duration_s) each adaptive device sets
 *   target_rejected r*:     W <- clamp(W exp(-gain (r - r*)), w_min, w_max),
 *                           r = refused / offered over [t - interval_s, t)
 *                           (W unchanged when nothing was offered);
 *   target_utilization u*:  W <- clamp(W exp(gain (u - u*)), w_min, w_max),
 *                           u = busy slot-seconds / (P interval_s).
 * Offered to device i: a request whose dispatch decision ended on i (i
 * admitted it, or the policy returned i and i refused it); a request for
 * which the policy returned no device (load_aware when none admits) is
 * offered to and refused by every adaptive device. With queues (svc.h)
 * refused means not admitted at the offer, though the request then waits
 * in a queue (queue.c calls adapt_refused when it joins); a start from a
 * queue is no offer (adapt_started: offered = admitted - started from a
 * queue + refused). Busy slots: requests holding a slot (fixed service, or
 * prefilling or decoding under shared service), over the entry's P. The
 * new W applies at once: the window becomes (t - W, t] over the
 * admissions log; a device with a waiting queue re-tests its head then
 * (sv_try_start), which re-arms its head-ready timer at the row's ready_at
 * for the new W.
 *
 * Each adaptive device instance is a limiter group of its own (limiter.h)
 * whose row is lim_adaptive_window (not user-selectable: chosen by the
 * presence of `adapt` on a sliding_window limiter). Its log holds its
 * admissions of the last w_max seconds, at most C ceil(w_max / w_min)
 * entries (in any w_min seconds a device admits at most C tokens, every
 * entry >= 1 token): a ring that grows by doubling and never shrinks, so
 * steady state allocates nothing. `used` is min(tokens in (t - W, t], C):
 * after W grows the window may hold more than C tokens; the device then
 * admits nothing (every request has >= 1 token), exactly as with the true
 * sum, and used <= C keeps the free fraction and load_aware's keys in range.
 *
 * The scenario owns the lim_adapt blocks (in scn_lim); the run owns
 * adapt_run (u->ad, NULL without adapt: then no hook costs anything but the
 * tests named in engine.c and cloud.c).
 */
#ifndef ES_ADAPT_H
#define ES_ADAPT_H

#include <stdint.h>

#include "keys.h"

/* limiter.adapt, bound into scn_lim (offsets from scn_lim). */
typedef struct lim_adapt {
  int has;                   /* the object was given */
  double target_rejected;    /* r* in (0, 1); 0: not given */
  double target_utilization; /* u* in (0, 1]; 0: not given */
  double gain;               /* > 0 */
  double interval_s;         /* control interval, seconds; 0 before check: W */
  double w_min_s, w_max_s;   /* bounds on W, seconds */
} lim_adapt;

extern const key_row ADAPT_KEYS[];

struct scn;
struct run;
struct heap_ev;
struct lim_grp;
struct lim_ops;

/* The row of an adaptive device's group. */
extern const struct lim_ops lim_adaptive_window;

/* Cross-key rules of every limiter's adapt (kind, exactly one target,
 * w_min <= W <= w_max <= duration_s, no failures with
 * target_utilization); sets interval_s's default. */
int adapt_check_scn(kctx *c, struct scn *s);

/* Run state; NULL state unless some device adapts. 0, or -1 if out of
 * memory. */
int adapt_setup(struct run *u);
void adapt_teardown(struct run *u);

/* A request the edge refused (cloud_reject): on device `picked`, or on
 * every adaptive device when picked < 0. */
void adapt_refused(struct run *u, long picked);
/* A request left device i's queue to start there (queue.c): the
 * admission counted by its limiter was not an offer (its offer was
 * counted refused when it joined a queue). */
void adapt_started(struct run *u, uint32_t i);
/* cloud_reject's path with adaptive devices: adapt_refused, then
 * cloud_send (the request at t, counted iff t >= the warmup). */
int adapt_reject(struct run *u, long picked, double t, uint64_t prompt, uint64_t tok);
/* The completion event kind of an admission on device i (EV_ADONE for a
 * device that measures its utilization, else EV_DONE). */
uint32_t adapt_done_kind(const struct run *u, uint32_t i);
/* A shared-service completion on device i at t (service.c, before its
 * inflight drops): its busy slot-seconds when it measures its utilization. */
void adapt_shared_done(struct run *u, uint32_t i, double t);
/* Event handlers: the controller (EV_ADAPT), a completion (EV_ADONE). */
int adapt_fire(struct run *u, const struct heap_ev *ev);
int adapt_fire_done(struct run *u, const struct heap_ev *ev);

/* Whether device i adapts. */
int adapt_is(const struct run *u, uint32_t i);
/* Windows (∫ dt / W) of adaptive device i over the statistics window. */
double adapt_windows(const struct run *u, uint32_t i);
/* Its windows over the time-series row ending at t1 (since the last call). */
double adapt_ts_windows(struct run *u, uint32_t i, double t1);
/* Time series: the extra header columns and a row's values. */
void adapt_ts_header(struct run *u);
void adapt_ts_row(struct run *u);
/* Whether an adaptive log reached its bound (WIN_MAX_ENTRIES). */
int adapt_full(const struct run *u);

#endif
