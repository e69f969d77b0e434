/* dispatch.h: device selection policies, one row of disp_ops per policy.
 *
 * pick() returns the device a request of `tok` tokens at time t is sent
 * to, or -1 when the policy rejects it outright; the engine has brought
 * every limiter group to t first (limiter.h). The engine then admits the
 * request iff that device admits it (disp_admits), else rejects it and
 * counts the rejection on the returned device. A policy that makes one
 * attempt (random, weighted) returns its pick whether or not it admits;
 * one that searches (load_aware) returns only a device that admits.
 *
 * dispatch.attempts = k (>= 1, a key common to every policy): a policy
 * that makes attempts tests up to k distinct devices through disp_admits()
 * and returns the first that admits, else the last one tried (README, "The
 * model", says per policy what an attempt is); k = 1 is the paper's.
 *
 * Each policy is one file in sim/kinds/ (disp_*.c) plus one registry line;
 * its name, keys, per-run state (d->st, from init) and hooks live in its
 * row. A policy that tracks device state gets every admission, expiry and
 * completion through its hooks (the engine reports them). The dispatcher
 * borrows the device array; it owns its RNG (stream RNG_DISPATCH) and state.
 */
#ifndef ES_DISPATCH_H
#define ES_DISPATCH_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "device.h"
#include "keys.h"
#include "limiter.h"

typedef struct disp disp;
struct scn;

typedef struct disp_ops {
  kind_hdr h; /* name, help, keys, cfg */
  /* Builds the policy's state in d->st (d's other fields set); 0, or -1 if
   * out of memory (destroy is still called). NULL: no state. */
  int (*init)(disp *d);
  void (*destroy)(disp *d); /* frees d->st's contents; NULL if nothing */
  long (*pick)(disp *d, uint64_t tok, double t);
  /* Hooks for policies that track device state; NULL when not needed.
   * admitted: device i took a request (used and inflight updated).
   * expired: device i's `used` dropped (an admission left its window).
   * completed: device i released a slot (inflight updated).
   * A device closed or reopened (faults.h's dev_set_open: its max_par
   * drops to 0 while it is down or its queue, svc.h, is non-empty, and
   * returns to P) is reported as expired either way, so a policy with an
   * index recomputes the device from its fields. */
  void (*admitted)(disp *d, size_t i);
  void (*expired)(disp *d, size_t i);
  void (*completed)(disp *d, size_t i);
  size_t state_size; /* bytes of d->st, zeroed before init */
  /* Checks the policy's keys against the loaded scenario (e.g. against the
   * number of device instances), naming the key; NULL if nothing to check. */
  int (*validate)(kctx *c, const struct scn *s, const void *cfg);
} disp_ops;

struct disp {
  const disp_ops *ops;
  const void *cfg; /* the policy's parameters (scenario-owned) */
  dev *devs;       /* borrowed: n instances */
  size_t n;
  lim_set *lims; /* borrowed: the devices' limiter groups (NULL in some tests) */
  gsl_rng *r;
  void *st;
  const struct scn *s; /* borrowed: the scenario (device entries); NULL from disp_init() */
  uint32_t attempts;   /* k: distinct devices a request may try, >= 1 */
};

/* 0, or -1 if out of memory (disp_destroy is still safe). `lims` may be
 * NULL when every device's `used` is kept current by the caller. */
int disp_init(disp *d, const disp_ops *ops, const void *cfg, dev *devs, size_t n, lim_set *lims,
              uint64_t seed);
/* As disp_init() with d->s and d->attempts given (tests; attempts >= 1). */
int disp_init_with(disp *d, const disp_ops *ops, const void *cfg, const struct scn *s,
                   uint32_t attempts, dev *devs, size_t n, lim_set *lims, uint64_t seed);
/* As disp_init() for a run of scenario s: its policy, parameters and
 * dispatch.attempts; d->s = s (borrowed, must outlive d). */
int disp_init_run(disp *d, const struct scn *s, dev *devs, size_t n, lim_set *lims, uint64_t seed);
void disp_destroy(disp *d);

static inline long disp_pick(disp *d, uint64_t tok, double t) { return d->ops->pick(d, tok, t); }
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

/* Brings device i's limiter to t (lazy kinds) and tests it. */
static inline int disp_admits(disp *d, size_t i, uint64_t tok, double t) {
  if (d->lims && d->lims->lazy)
    lim_sync(&d->lims->g[d->devs[i].grp], (uint32_t)i, t);
  return dev_admits(&d->devs[i], tok);
}

/* Testing and benchmarks: makes a load_aware dispatcher use the plain scan
 * (results are identical; only the cost differs). No-op for other policies. */
void disp_use_scan(disp *d);

/* The run keeps no queues (svc.h): load_aware's index keeps no count of
 * devices with a free slot (loadidx.h, lix_uncount), which pays only when
 * queues close every device. Right after init; no-op for other policies.
 * The same picks either way. */
void disp_without_queues(disp *d);

/* The reference load-aware rule as a plain scan over all devices (whose
 * `used` is up to date). */
long disp_load_aware_scan(const dev *devs, size_t n, uint64_t tok);

#endif
