/* bench.h: timing the kernel on one LM shape, one short run at a time.
 *
 * The caller interleaves these runs with the host probes (probe.h) so that
 * each ratio it forms compares two measurements taken side by side, under the
 * same contention from other processes.
 * The model may be built with a subset of its layers; every time is then
 * scaled per layer: t = t_head + t_layers * (shape layers / layers run).
 * Seconds are on probe_clock(cpu_time, threads) (see probe.h).
 * Ownership: bench_open fills `b` (model, state); bench_close frees them.
 * Units: tokens/s, seconds. */
#ifndef ES_BENCH_H
#define ES_BENCH_H

#include "model.h"
#include "shape.h"

#define BENCH_BATCHES 5 /* batch sizes 1, 2, 4, 8, 16 */
#define BENCH_MAX_BATCH 16
extern const int bench_batch[BENCH_BATCHES];

typedef struct {
  lm_model m;
  lm_state st;
  int layers_run; /* of m.shape.n_layers */
  int prompt;     /* prompt tokens: prefill size, then decode starts here */
  int tokens;     /* decode positions prompt .. prompt + tokens - 1, cycled */
  int ctx;        /* batched decode: every sequence at this position */
  double scale;   /* shape layers / layers run */
} bench_model;

/* Builds `layers` layers (<= 0: all) and a KV cache of BENCH_MAX_BATCH
 * sequences, every position written (so batched decode reads real memory).
 * 0 ok, -1 out of memory (nothing to close). */
int bench_open(bench_model *b, const lm_shape *s, qt_type t, int layers, int prompt, int tokens,
               int ctx);
void bench_close(bench_model *b);

/* Prompt tokens/s of one prefill of `prompt` tokens into sequence 0. */
double bench_prefill(bench_model *b, mm_ctx *c, int cpu_time);
/* Tokens/s of batch-1 decode: `tokens` tokens, repeated until at least
 * min_seconds of (scaled) time have passed. */
double bench_decode(bench_model *b, mm_ctx *c, int cpu_time, double min_seconds);
/* Seconds of one step decoding B sequences (one row each) at position ctx,
 * all B rows' logits computed; B <= BENCH_MAX_BATCH. */
double bench_batch_step(bench_model *b, mm_ctx *c, int cpu_time, int B);

#endif
