/* dispatch.h: device selection policies, one row of an ops table each.
 *
 * pick() returns the instance a request of `tok` tokens arriving at t is
 * sent to, or -1 when the policy rejects it outright. `random` and
 * `weighted` make one attempt (the engine rejects the request if that device
 * cannot admit it, as in the paper); `load_aware` returns only a device that
 * admits, the one with the largest remaining fraction (C - used) / C, ties
 * to the lowest index. The dispatcher borrows the device array; it owns its
 * RNG (stream RNG_DISPATCH) and tables.
 *
 * load_aware keeps an index of device state (loadidx.h) instead of scanning
 * all devices: after disp_init(), every admission and completion must be
 * reported with disp_admitted() / disp_completed() (the engine does). The
 * plain scan stays as the reference (disp_load_aware_scan, disp_use_scan).
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
  long (*pick)(disp *d, double t, uint64_t tok);
  /* Hooks for policies that track device state; NULL when not needed.
   * admitted: device i took a request at t (window and inflight updated),
   * -1 if out of memory. completed: device i released a slot. */
  int (*admitted)(disp *d, size_t i, double t);
  void (*completed)(disp *d, size_t i);
} disp_ops;

struct disp {
  const disp_ops *ops;
  dev *devs; /* borrowed: n instances */
  size_t n;
  gsl_rng *r;
  gsl_ran_discrete_t *by_capacity; /* weighted: P(i) proportional to C_i */
  lix la;                          /* load_aware: classes, trees, expiry FIFO */
};

int disp_init(disp *d, enum disp_policy p, dev *devs, size_t n, uint64_t seed);
void disp_destroy(disp *d);

static inline long disp_pick(disp *d, double t, uint64_t tok) {
  return d->ops->pick(d, t, tok);
}
static inline int disp_admitted(disp *d, size_t i, double t) {
  return d->ops->admitted ? d->ops->admitted(d, i, t) : 0;
}
static inline void disp_completed(disp *d, size_t i) {
  if (d->ops->completed)
    d->ops->completed(d, i);
}

/* Testing and benchmarks: makes a load_aware dispatcher use the plain scan
 * (results are identical; only the cost differs). No-op for other policies. */
void disp_use_scan(disp *d);

/* The reference load-aware rule as a plain scan over all devices. */
long disp_load_aware_scan(dev *devs, size_t n, double t, uint64_t tok);

#endif
