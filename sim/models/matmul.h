/* matmul.h: quantized matrix times a batch of quantized activation rows,
 * rows split across the threads of a pool.
 *
 * One task: W (d,n) @ X (nx,n) -> Y (nx,d), i.e. Y[b*d + i] = W[i,:] . X[b,:].
 * Each weight row is read once for all nx activation rows, which is what
 * makes batched decode and prefill cheaper per token than single decode.
 * Results do not depend on the thread count or on which thread computes a
 * row (each output is one dot call). */
#ifndef ES_MATMUL_H
#define ES_MATMUL_H

#include "dot.h"
#include "pool.h"

typedef struct {
  es_pool *pool;   /* borrowed */
  dot_level level; /* SIMD level for every dot product */
} mm_ctx;

typedef struct {
  const qt_tensor *w; /* W (d,n) */
  const int8_t *xq;   /* X codes (nx, n) */
  const float *xd;    /* X scales (nx, n/QK) */
  const int32_t *xs;  /* X code sums (nx, n/QK) */
  float *y;           /* Y (nx, d) */
  int nx;
} mm_task;

/* Runs ntasks tasks (up to 4, all sharing one pool run). */
void mm_run(mm_ctx *c, const mm_task *tasks, int ntasks);

/* Single-threaded float reference: W (d,n) @ x (n,) -> y (d,). */
void mm_f32(const float *w, const float *x, float *y, int d, int n);

#endif
