/* workload.h: arrival processes, generating arrival times in order.
 *
 * `steps` (the paper's): at each step start t0 = k * step_s each of `users`
 * users is active with probability p (p_active, or burst.p_active when
 * (t0 mod burst.every_s) < burst.length_s) and sends one request at a time
 * uniform in [t0, t0 + step_s). Generated as N ~ Binomial(users, p) and N
 * sorted uniforms drawn in increasing order (the minimum of m uniforms is
 * 1 - V^(1/m)), which is the same distribution in O(1) memory per step.
 * `poisson`: exponential gaps at rate_per_s. `trace`: the rows of a trace
 * file (trace.h), times multiplied by time_scale, streamed; each arrival
 * carries its own prompt and output tokens (`prompt`, `tokens`). Arrivals at
 * or after duration_s are not generated. Uses only the RNG_WORKLOAD stream.
 */
#ifndef ES_WORKLOAD_H
#define ES_WORKLOAD_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "scenario.h"
#include "trace.h"

typedef struct wl {
  const scn *s;
  gsl_rng *r;
  uint64_t step; /* index of the current step */
  uint64_t left; /* arrivals still to come in the current step */
  double u;      /* last sorted uniform of the step, in [0, 1) */
  double t;      /* last arrival time, seconds */
  int started, done;
  trace tr;        /* trace: the open file */
  uint64_t prompt; /* trace: tokens of the last arrival */
  uint64_t tokens;
  es_err err; /* trace: set if the file failed mid-run (err.code != 0) */
} wl;

/* 0 on success, -1 if out of memory or the trace cannot be opened (then
 * w->err says why). */
int wl_init(wl *w, const scn *s, uint64_t seed);
void wl_destroy(wl *w);
/* Time of the next arrival (non-decreasing), or +inf when there are no more. */
double wl_next(wl *w);

#endif
