/* faults.h: device failures, and the one way a device is closed to
 * admissions (dev_set_open).
 *
 * A device entry with `failure` {mtbf_s, mttr_s, distribution, shape,
 * on_fail} alternates up and down times (cloud.h's flt_renewal), drawn from
 * stream RNG_FAULTS as calendar events: EV_FAIL at the end of an up time,
 * EV_REPAIR at the end of a down time. While down the device admits nothing
 * (its slot limit is 0, so dev_admits fails and load_aware's index skips
 * it) and draws no power. At a failure its requests in flight are cut:
 * redirected to the cloud at the failure time (`failed_over`, then answered
 * or dropped by the cloud's rules) or dropped (`lost`), per on_fail; either
 * way they no longer count as served at the edge.
 *
 * Their completion events stay in the calendar and are cancelled lazily:
 * each request in flight on a device with failures holds a slot of a table
 * of P slots per device, its completion event carries the slot index (in
 * heap_ev.kind's upper 24 bits) and the slot remembers the event's
 * sequence number, which is unique; a completion whose slot holds another
 * sequence number is stale and ignored. Memory: P slots per such device,
 * bounded by the scenario. The run's state (struct flt_run) is the run's,
 * from flt_setup() to flt_teardown().
 */
#ifndef ES_FAULTS_H
#define ES_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

struct scn;
struct run;
struct heap_ev;

/* Keys of devices[].failure (offsets into scn_device). */
extern const key_row FLT_FAILURE_KEYS[];
/* Rules across keys (shape only with weibull), after every key is bound. */
int flt_check_cfg(kctx *c, struct scn *s);

/* Reasons a device is closed (dev.closed bits). While any is set its slot
 * limit max_par is 0; the queue module (svc) closes a device while a queue
 * waits, this one while it is down, model_switch while it swaps LMs. */
enum { DEV_CLOSED_FAULT = 1u, DEV_CLOSED_QUEUE = 2u, DEV_CLOSED_SWAP = 4u };
/* Sets (open = 0) or clears (open = 1) `reason` on device i; max_par is 0
 * while any reason is set, P otherwise, and the dispatcher's index is told. */
void dev_set_open(struct run *u, size_t i, int open, uint32_t reason);

/* Builds u->fl when a device entry has `failure` (else leaves it NULL) and
 * schedules each such instance's first failure. 0, or -1 if out of memory. */
int flt_setup(struct run *u, uint64_t seed);
void flt_teardown(struct run *u);

/* The completion event kind of a request admitted on device i at t
 * (EV_DONE for devices without failures): call it just before pushing the
 * completion, whose sequence number it records. */
uint32_t flt_admit(struct run *u, size_t i, double t_arr, double t, uint64_t prompt, uint64_t tok,
                   double service);
/* A request that arrived at t_arr, cut at t by device i's failure (its
 * edge statistics already undone by the caller): dropped (lost) or failed
 * over to the cloud, per on_fail. 0, or -1 if out of memory. */
int flt_cut_send(struct run *u, size_t i, double t, double t_arr, uint64_t prompt, uint64_t tok,
                 int counted);

/* Event handlers (rows of engine.c's EV_TYPES). */
int flt_fire_done(struct run *u, const struct heap_ev *ev);
int flt_fire_fail(struct run *u, const struct heap_ev *ev);
int flt_fire_repair(struct run *u, const struct heap_ev *ev);

/* Results: availability, down time and energy per device, the drop
 * reasons, after the engine's device results and cloud_finish(). */
void flt_finish(struct run *u);
/* Conservation by reason: dropped = cloud disabled + lost + unavailable +
 * rate limited + over budget; the budget cap. ES_ERUNTIME on failure. */
int flt_check(const struct run *u, es_err *e);
/* Time-series columns, when the run reports ES_MG_FLT. */
void flt_ts_header(struct run *u);
void flt_ts_row(struct run *u, double t0, double t1);

#endif
