/* device.h: state of one edge device instance during a run.
 *
 * Owned by the engine (one array of instances); dispatch policies read it.
 * Admission rule (the core semantics): a device admits a request of `tok`
 * output tokens at time t iff inflight < P and used(t) + tok <= C, where
 * used(t) counts tokens admitted in (t - W, t]. The admissions themselves
 * sit in the cluster's one window log (window.h), owned by the engine, which
 * brings every `used` to t before each dispatch decision at t. Statistics
 * cover [stats_from, duration).
 */
#ifndef ES_DEVICE_H
#define ES_DEVICE_H

#include <stddef.h>
#include <stdint.h>

/* Fields are grouped by when they are touched, one cache line each (the
 * engine allocates the array 64-byte aligned): a dispatch decision and a
 * window expiry read only the first line, admissions, completions and
 * rejections the first two. At 10^4 devices this keeps a request to a few
 * cache misses. */
typedef struct dev {
  /* line 1: admission test (dev_admits), expiry and load_aware's key */
  _Alignas(64) uint64_t used; /* tokens admitted in (t - W, t] */
  uint64_t cap_tokens;  /* C: token capacity of the window */
  uint32_t inflight;    /* requests holding a slot (<= P) */
  uint32_t max_par;     /* P (<= 10^6, scenario bound) */
  /* line 2: admission, completion, rejection */
  _Alignas(64) double busy_since; /* start of the current busy period (inflight >= 1) */
  double busy_s, slot_s; /* statistics: seconds with >= 1 in flight; slot-seconds */
  uint64_t served, rejected, tokens; /* statistics */
  uint64_t ts_tokens;   /* tokens admitted in the current time-series interval */
  uint32_t spec;        /* index of its scenario device entry */
  /* line 3: copies of the scenario entry (the engine reads the entry) */
  double tgs, ttft_s;   /* tokens/s per request; seconds */
} dev;
_Static_assert(offsetof(dev, busy_since) == 64 && offsetof(dev, tgs) == 128,
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
