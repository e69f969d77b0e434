/* device.h: state of one edge device instance during a run.
 *
 * Owned by the engine (one array of instances); dispatch policies read it.
 * Admission rule (the core semantics): a device admits a request of `tok`
 * output tokens at time t iff inflight < P and used(t) + tok <= C, where
 * used(t) counts tokens admitted in (t - W, t]. Statistics cover
 * [stats_from, duration).
 */
#ifndef ES_DEVICE_H
#define ES_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "window.h"

/* Fields are grouped by when they are touched, one cache line each (the
 * engine allocates the array 64-byte aligned): a dispatch decision reads
 * only the first line, admissions, completions and rejections the first
 * two. At 10^4 devices this keeps a request to a few cache misses. */
typedef struct dev {
  /* line 1: admission test (dev_admits) and load_aware's key */
  _Alignas(64) win w;   /* sliding-window log: C, W, used */
  uint32_t inflight;    /* requests holding a slot (<= P) */
  uint32_t max_par;     /* P (<= 10^6, scenario bound) */
  /* line 2: admission, completion, rejection */
  double busy_since;    /* start of the current busy period (inflight >= 1) */
  double busy_s, slot_s; /* statistics: seconds with >= 1 in flight; slot-seconds */
  uint64_t served, rejected, tokens; /* statistics */
  uint64_t ts_tokens;   /* tokens admitted in the current time-series interval */
  uint32_t spec;        /* index of its scenario device entry */
  /* line 3: copies of the scenario entry (the engine reads the entry) */
  double tgs, ttft_s;   /* tokens/s per request; seconds */
} dev;
_Static_assert(offsetof(dev, busy_since) == 64 && offsetof(dev, tgs) == 128,
               "dev: one cache line per group of fields");

/* Brings the window to time t; true iff the device admits `tok` now. */
static inline int dev_admits(dev *d, double t, uint64_t tok) {
  win_expire(&d->w, t);
  return d->inflight < d->max_par && win_fits(&d->w, tok);
}

/* Remaining fraction of the window's capacity, (C - used) / C. */
static inline double dev_free_frac(const dev *d) {
  return (double)(d->w.cap_tokens - d->w.used) / (double)d->w.cap_tokens;
}

#endif
