/* probe.c: bandwidth and compute probes (see probe.h). */
#include "probe.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "bigalloc.h"

double probe_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double probe_clock(int cpu_time, int threads) {
  if (!cpu_time || threads > 1)
    return probe_now();
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
  double *a, *b, *c;
  size_t n;
  uint64_t sums[64]; /* per-thread read sums, kept so the loop is not removed */
} arrays;

static void span(size_t n, int ith, int nth, size_t *i0, size_t *i1) {
  *i0 = n * (size_t)ith / (size_t)nth;
  *i1 = n * (size_t)(ith + 1) / (size_t)nth;
}

static void init_part(void *arg, int ith, int nth) { /* first touch by its thread */
  arrays *A = arg;
  size_t i0, i1;
  span(A->n, ith, nth, &i0, &i1);
  for (size_t i = i0; i < i1; i++) {
    A->a[i] = 1.0;
    A->b[i] = 2.0;
    A->c[i] = 0.5;
  }
}

static void triad_part(void *arg, int ith, int nth) {
  arrays *A = arg;
  size_t i0, i1;
  span(A->n, ith, nth, &i0, &i1);
  double *restrict a = A->a;
  const double *restrict b = A->b, *restrict c = A->c;
  for (size_t i = i0; i < i1; i++)
    a[i] = b[i] + 3.0 * c[i];
}

static void read_part(void *arg, int ith, int nth) {
  arrays *A = arg;
  size_t i0, i1;
  span(A->n, ith, nth, &i0, &i1);
  const uint64_t *p = (const uint64_t *)A->b;
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = i0;
  for (; i + 4 <= i1; i += 4) {
    s0 += p[i];
    s1 += p[i + 1];
    s2 += p[i + 2];
    s3 += p[i + 3];
  }
  for (; i < i1; i++)
    s0 += p[i];
  A->sums[ith & 63] = s0 + s1 + s2 + s3;
}

static double best_time(es_pool *pool, pool_fn fn, arrays *A, int reps, int cpu) {
  double best = 1e30;
  int n = pool_threads(pool);
  for (int r = 0; r < reps; r++) {
    double t0 = probe_clock(cpu, n);
    pool_run(pool, fn, A);
    double t = probe_clock(cpu, n) - t0;
    if (t < best)
      best = t;
  }
  return best;
}

int probe_bandwidth(es_pool *pool, size_t mb, int reps, int cpu_time, probe_bw *out) {
  arrays A = {0};
  A.n = mb * 1000000 / sizeof(double);
  A.a = big_alloc(A.n * sizeof(double)); /* as the weights are allocated */
  A.b = big_alloc(A.n * sizeof(double));
  A.c = big_alloc(A.n * sizeof(double));
  int rc = -1;
  if (A.a && A.b && A.c) {
    pool_run(pool, init_part, &A);
    out->triad_bps = 24.0 * (double)A.n / best_time(pool, triad_part, &A, reps, cpu_time);
    out->read_bps = 8.0 * (double)A.n / best_time(pool, read_part, &A, reps, cpu_time);
    rc = 0;
  }
  big_free(A.a);
  big_free(A.b);
  big_free(A.c);
  return rc;
}

double probe_compute(mm_ctx *c, qt_type t, int nx, double seconds, int cpu_time) {
  enum { ROWS = 256, COLS = 2048 }; /* Q8_0: 557 KB, stays in L2 */
  float *f = malloc(sizeof(float) * COLS * (size_t)(nx > ROWS ? nx : ROWS));
  void *w = malloc((size_t)ROWS * qt_row_bytes(t, COLS));
  int8_t *xq = malloc((size_t)nx * COLS);
  float *xd = malloc(sizeof(float) * (size_t)nx * COLS / QK);
  int32_t *xs = malloc(sizeof(int32_t) * (size_t)nx * COLS / QK);
  float *y = malloc(sizeof(float) * (size_t)nx * ROWS);
  double rate = 0.0;
  if (f && w && xq && xd && xs && y) {
    for (size_t i = 0; i < (size_t)COLS * ROWS; i++)
      f[i] = (float)((i * 7919) % 255) / 127.0f - 1.0f;
    qt_quantize(t, f, w, ROWS * COLS);
    for (int b = 0; b < nx; b++) {
      size_t o = (size_t)b * COLS / QK;
      qa_quantize(f + (size_t)b * COLS, xq + o * QK, xd + o, xs + o, COLS);
    }
    qt_tensor W = {t, ROWS, COLS, w};
    mm_task task = {&W, xq, xd, xs, y, nx};
    mm_run(c, &task, 1); /* warm-up */
    int n = pool_threads(c->pool), k = 1;
    /* One matvec run takes microseconds, below what the CPU-time clock
     * resolves on some hosts (a run timed as 0 s gave an infinite peak):
     * each sample is k runs, k doubled until a sample takes 1 ms. */
    for (double w = probe_now(); probe_now() - w < 1e-3 && k < (1 << 20); k *= 2) {
      w = probe_now();
      for (int i = 0; i < k; i++)
        mm_run(c, &task, 1);
    }
    double best = 1e30, w0 = probe_now();
    while (probe_now() - w0 < seconds) { /* best sample, like STREAM */
      double t0 = probe_clock(cpu_time, n);
      for (int i = 0; i < k; i++)
        mm_run(c, &task, 1);
      double t = (probe_clock(cpu_time, n) - t0) / k;
      best = t > 0 && t < best ? t : best;
    }
    rate = best < 1e30 ? 2.0 * ROWS * COLS * (double)nx / best : 0.0;
  }
  free(f);
  free(w);
  free(xq);
  free(xd);
  free(xs);
  free(y);
  return rate;
}
