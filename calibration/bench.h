/* bench.h: timing the kernel on one LM shape.
 *
 * The model may be built with a subset of its layers; every time is then
 * scaled per layer: t = t_head + t_layers * (shape layers / layers run).
 * Seconds are on probe_clock(cpu_time, threads) (see probe.h).
 * Times are the best of several runs (STREAM's convention): prefill best of
 * 3, decode best over the timed tokens, batched decode best over the steps.
 * Units: tokens/s, FLOP/s, seconds. */
#ifndef ES_BENCH_H
#define ES_BENCH_H

#include "shape.h"

#define BENCH_BATCHES 4 /* batch sizes 1, 2, 4, 8 */
extern const int bench_batch[BENCH_BATCHES];

typedef struct {
  int threads;          /* pool threads */
  double prefill_tps;   /* prompt tokens/s */
  double prefill_flops; /* FLOP/s during prefill */
  double decode_tps;    /* batch 1, tokens/s */
} bench_point;

typedef struct {
  int layers_run; /* of shape.n_layers */
  int prompt;     /* prompt tokens in the prefill */
  int npoints;    /* 1 or 2: single thread, then all threads */
  bench_point pt[2];
  double batch_tps[BENCH_BATCHES]; /* aggregate tokens/s, last point's threads */
} bench_result;

/* threads: the "all cores" count (1 gives one point). 0 ok, -1 no memory. */
int bench_run(const lm_shape *s, qt_type t, int layers, int threads, int prompt, int tokens,
              int cpu_time, bench_result *r);

#endif
