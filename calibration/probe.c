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

struct probe_arrays {
  double *a, *b, *c;
  size_t n;
  uint64_t sums[64]; /* per-thread read sums, kept so the loop is not removed */
};
typedef struct probe_arrays arrays;
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

probe_arrays *probe_arrays_new(es_pool *pool, size_t mb) {
  arrays *A = calloc(1, sizeof *A);
  if (!A)
    return NULL;
  A->n = mb * 1000000 / sizeof(double);
  A->a = big_alloc(A->n * sizeof(double)); /* as the weights are allocated */
  A->b = big_alloc(A->n * sizeof(double));
  A->c = big_alloc(A->n * sizeof(double));
  if (!A->a || !A->b || !A->c) {
    probe_arrays_free(A);
    return NULL;
  }
  pool_run(pool, init_part, A);
  return A;
}

void probe_arrays_free(probe_arrays *A) {
  if (!A)
    return;
  big_free(A->a);
  big_free(A->b);
  big_free(A->c);
  free(A);
}

probe_bw probe_bw_run(es_pool *pool, probe_arrays *A, int reps, int cpu_time) {
  probe_bw r;
  r.triad_bps = 24.0 * (double)A->n / best_time(pool, triad_part, A, reps, cpu_time);
  r.read_bps = 8.0 * (double)A->n / best_time(pool, read_part, A, reps, cpu_time);
  return r;
}

struct probe_mm {
  qt_tensor W;
  int8_t *xq;
  float *xd, *y;
  int32_t *xs;
  int nx, k; /* runs per sample, set on the first probe_mm_run */
};

enum { ROWS = 256, COLS = 2048 }; /* q8_0: 557 KB, stays in L2 */

void probe_mm_free(probe_mm *p) {
  if (!p)
    return;
  free(p->W.data);
  free(p->xq);
  free(p->xd);
  free(p->xs);
  free(p->y);
  free(p);
}

probe_mm *probe_mm_new(qt_type t, int nx) {
  probe_mm *p = calloc(1, sizeof *p);
  float *f = malloc(sizeof(float) * COLS * (size_t)(nx > ROWS ? nx : ROWS));
  if (!p || !f) {
    free(f);
    free(p);
    return NULL;
  }
  p->nx = nx;
  p->W = (qt_tensor){t, ROWS, COLS, malloc((size_t)ROWS * qt_row_bytes(t, COLS))};
  p->xq = malloc((size_t)nx * COLS);
  p->xd = malloc(sizeof(float) * (size_t)nx * COLS / QK);
  p->xs = malloc(sizeof(int32_t) * (size_t)nx * COLS / QK);
  p->y = malloc(sizeof(float) * (size_t)nx * ROWS);
  if (!p->W.data || !p->xq || !p->xd || !p->xs || !p->y) {
    free(f);
    probe_mm_free(p);
    return NULL;
  }
  for (size_t i = 0; i < (size_t)COLS * ROWS; i++)
    f[i] = (float)((i * 7919) % 255) / 127.0f - 1.0f;
  qt_quantize(t, f, p->W.data, ROWS * COLS);
  for (int b = 0; b < nx; b++) {
    size_t o = (size_t)b * COLS / QK;
    qa_quantize(f + (size_t)b * COLS, p->xq + o * QK, p->xd + o, p->xs + o, COLS);
  }
  free(f);
  return p;
}

double probe_mm_run(probe_mm *p, mm_ctx *c, double seconds, int cpu_time) {
  mm_task task = {&p->W, p->xq, p->xd, p->xs, p->y, p->nx};
  mm_run(c, &task, 1); /* warm-up */
  int n = pool_threads(c->pool);
  /* One matvec run takes microseconds, below what the CPU-time clock
   * resolves on some hosts (a run timed as 0 s gave an infinite peak):
   * each sample is k runs, k doubled until a sample takes 1 ms. */
  if (!p->k)
    for (double w = probe_now(), k = 1; !p->k; k *= 2) {
      w = probe_now();
      for (int i = 0; i < (int)k; i++)
        mm_run(c, &task, 1);
      if (probe_now() - w >= 1e-3 || k >= (1 << 20))
        p->k = (int)k;
    }
  double best = 1e30, w0 = probe_now();
  do { /* best sample, like STREAM */
    double t0 = probe_clock(cpu_time, n);
    for (int i = 0; i < p->k; i++)
      mm_run(c, &task, 1);
    double t = (probe_clock(cpu_time, n) - t0) / p->k;
    best = t > 0 && t < best ? t : best;
  } while (probe_now() - w0 < seconds);
  return best < 1e30 ? 2.0 * ROWS * COLS * (double)p->nx / best : 0.0;
}
