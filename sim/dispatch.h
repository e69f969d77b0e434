/* dispatch.h: device selection policies, one row of an ops table each.
 *
 * pick() returns the instance a request of `tok` tokens is sent to, or -1
 * when the policy rejects it outright; the devices' `used` must already be
 * brought to the arrival time (the engine pops the window log first).
 * `random` and `weighted` make one attempt (the engine rejects the request
 * if that device cannot admit it, as in the paper); `load_aware` returns only
 * a device that admits, the one with the largest remaining fraction
 * (C - used) / C, ties to the lowest index. The dispatcher borrows the device
 * array; it owns its RNG (stream RNG_DISPATCH) and tables.
 *
 * load_aware keeps an index of device state (loadidx.h) instead of scanning
 * all devices: after disp_init(), every admission, window expiry and
 * completion must be reported with disp_admitted() / disp_expired() /
 * disp_completed() (the engine does). The plain scan stays as the reference
 * (disp_load_aware_scan, disp_use_scan).
 */
#ifndef ES_DISPATCH_H
#define ES_DISPATCH_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "device.h"
#include "loadidx.h"
#include "scenario.h"

typedef struct disp disp;

typedef struct disp_ops {
  const char *name;
  long (*pick)(disp *d, uint64_t tok);
  /* Hooks for policies that track device state; NULL when not needed.
   * admitted: device i took a request (used and inflight updated).
   * expired: an admission of device i left its window (used updated).
   * completed: device i released a slot (inflight updated). */
  void (*admitted)(disp *d, size_t i);
  void (*expired)(disp *d, size_t i);
  void (*completed)(disp *d, size_t i);
} disp_ops;

struct disp {
  const disp_ops *ops;
  dev *devs; /* borrowed: n instances */
  size_t n;
  gsl_rng *r;
  gsl_ran_discrete_t *by_capacity; /* weighted: P(i) proportional to C_i */
  lix la;                          /* load_aware: classes and trees */
};

int disp_init(disp *d, enum disp_policy p, dev *devs, size_t n, uint64_t seed);
void disp_destroy(disp *d);

static inline long disp_pick(disp *d, uint64_t tok) { return d->ops->pick(d, tok); }
static inline void disp_admitted(disp *d, size_t i) {
  if (d->ops->admitted)
    d->ops->admitted(d, i);
}
static inline void disp_expired(disp *d, size_t i) {
  if (d->ops->expired)
    d->ops->expired(d, i);
}
static inline void disp_completed(disp *d, size_t i) {
  if (d->ops->completed)
    d->ops->completed(d, i);
}

/* Testing and benchmarks: makes a load_aware dispatcher use the plain scan
 * (results are identical; only the cost differs). No-op for other policies. */
void disp_use_scan(disp *d);

/* The reference load-aware rule as a plain scan over all devices (whose
 * `used` is up to date). */
long disp_load_aware_scan(const dev *devs, size_t n, uint64_t tok);

#endif
