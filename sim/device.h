/* device.h: state of one edge device instance during a run.
 *
 * Owned by the engine (one array of instances); dispatch policies read it.
 * Admission rule (the core semantics): a device admits a request of `tok`
 * output tokens at time t iff inflight < P and used(t) + tok <= C, where
 * used(t) is what its limiter counts against C at t (sliding_window: the
 * tokens admitted in (t - W, t]). The limiter's state sits in its group
 * (limiter.h), which keeps `used` current; the engine brings every group to
 * t before each dispatch decision at t. Statistics cover [stats_from,
 * duration).
 */
#ifndef ES_DEVICE_H
#define ES_DEVICE_H

#include <stddef.h>
#include <stdint.h>

/* Fields are grouped by when they are touched, one cache line each (the
 * engine allocates the array 64-byte aligned): a dispatch decision, a
 * window expiry and a completion touch only the first line, an admission
 * both, a rejection the second. At 10^4 devices (1.3 MB of records) this
 * keeps a request to a few cache misses. */
typedef struct dev {
  /* line 1: admission test (dev_admits), expiry, completion, load_aware's key */
  _Alignas(64) uint64_t used; /* tokens admitted in (t - W, t] */
  uint64_t cap_tokens;        /* C: token capacity of the window */
  uint32_t inflight;          /* requests holding a slot (<= P) */
  uint32_t max_par;           /* P (<= 10^6, scenario bound) */
  uint32_t spec;              /* index of its scenario device entry */
  uint32_t grp;               /* index of its limiter group (limiter.h) */
  double busy_since;          /* start of the current busy period (inflight >= 1) */
  double busy_s, slot_s;      /* statistics: seconds with >= 1 in flight; slot-seconds */
  uint64_t served;            /* statistics */
  /* line 2: the rest of an admission's statistics, rejections */
  _Alignas(64) uint64_t tokens; /* statistics */
  uint64_t rejected;            /* statistics */
  uint64_t ts_tokens;           /* tokens admitted in the current time-series interval */
  uint32_t closed; /* reasons it admits nothing (faults.h, DEV_CLOSED_*); max_par is 0 while set */
} dev;
_Static_assert(offsetof(dev, tokens) == 64 && sizeof(dev) == 128,
               "dev: one cache line per group of fields");

/* True iff the device admits `tok` tokens now (`used` brought up to date). */
static inline int dev_admits(const dev *d, uint64_t tok) {
  return d->inflight < d->max_par && tok <= d->cap_tokens && d->used <= d->cap_tokens - tok;
}

/* Remaining fraction of the window's capacity, (C - used) / C. */
static inline double dev_free_frac(const dev *d) {
  return (double)(d->cap_tokens - d->used) / (double)d->cap_tokens;
}

#endif
