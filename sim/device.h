/* device.h: state of one edge device instance during a run.
 *
 * Owned by the engine (one array of instances); dispatch policies read it.
 * Admission rule (the core semantics): a device admits a request of `tok`
 * output tokens at time t iff inflight < P and used(t) + tok <= C, where
 * used(t) counts tokens admitted in (t - W, t].
 */
#ifndef ES_DEVICE_H
#define ES_DEVICE_H

#include <stdint.h>

#include "window.h"

typedef struct dev {
  win w;                /* sliding-window log: C, W, used */
  uint64_t inflight;    /* requests holding a slot */
  uint64_t max_par;     /* P */
  double tgs, ttft_s;   /* tokens/s per request; seconds */
  uint32_t spec;        /* index of its scenario device entry */
  double busy_since;    /* start of the current busy period (inflight >= 1) */
  /* statistics, over [stats_from, duration) */
  uint64_t served, rejected, tokens;
  double busy_s, slot_s; /* seconds with >= 1 in flight; slot-seconds held */
  uint64_t ts_tokens;    /* tokens admitted in the current time-series interval */
} dev;

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
