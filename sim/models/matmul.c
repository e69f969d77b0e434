/* matmul.c: row-parallel quantized matmul (see matmul.h). */
#include "matmul.h"

#include <stdalign.h>
#include <stdatomic.h>

#define MM_MAX_TASKS 4
#define MM_MAX_THREADS 64    /* threads past this many get no rows of their own */
#define MM_CHUNK_BYTES 32768 /* weight bytes claimed at a time (at least 4 rows) */

/* Rows of all tasks form one index space [0, total), cut into one
 * contiguous range per thread. A thread claims chunks from the front of its
 * own range through that range's counter (its own cache line, so claims do
 * not contend), then helps finish the other ranges through theirs. Each core
 * thus streams one contiguous stretch of weights, which the hardware
 * prefetcher follows (interleaved small chunks made both cores prefetch each
 * other's rows and cost more than the second core gained), and a thread that
 * the OS deschedules on a shared host delays the run by at most the chunk it
 * holds: the run goes through pool_run_any, so a worker that has not started
 * by the time the caller has claimed every chunk is not waited for. */
typedef struct {
  alignas(64) atomic_int next; /* first unclaimed row */
  int end;                     /* one past the range's last row */
} mm_range;

typedef struct {
  const mm_task *t;
  int nt;
  dot_fn dot[MM_MAX_TASKS]; /* task k's kernels, looked up once per run */
  dotn_fn dotn[MM_MAX_TASKS];
  int total;
  int chunk; /* rows per claim */
  int nr;    /* ranges in use */
  mm_range r[MM_MAX_THREADS];
} mm_job;

/* Decode streams each weight byte once. The multi-row kernel reads four
 * rows side by side, which the hardware prefetcher does not follow well:
 * without software prefetch MM_PREFETCH bytes ahead q4_0 decode dropped to
 * 20-25 GB/s, with it 28-30. The one-row kernels stream linearly, and there
 * the same prefetch cost q8_0 decode 12% (31 -> 27 GB/s), so it is only
 * issued for the multi-row kernel. */
#define MM_PREFETCH 8192

#define MM_ROWS 4 /* rows per multi-row dot call */

static void mm_rows(const mm_task *t, dot_fn dot, dotn_fn dotn, int r0, int r1) {
  const qt_tensor *w = t->w;
  int d = w->rows, nb = w->cols / QK;
  size_t rb = qt_row_bytes(w->type, w->cols);
  const char *row = (const char *)w->data + (size_t)r0 * rb;
  if (t->nx == 1) { /* decode: one activation row */
    qa_row x = {t->xq, t->xd, t->xs};
    size_t ahead = (size_t)r0 * rb + MM_PREFETCH, end = (size_t)d * rb;
    for (int i = r0; i < r1; i += MM_ROWS) {
      int n = r1 - i < MM_ROWS ? r1 - i : MM_ROWS;
      size_t span = (size_t)n * rb;
      if (dotn) {
        for (size_t k = 0; k < span && ahead + k < end; k += 64)
          __builtin_prefetch((const char *)w->data + ahead + k);
        dotn(row, rb, x, nb, n, t->y + i);
      } else {
        for (int j = 0; j < n; j++)
          t->y[i + j] = dot(row + (size_t)j * rb, x, nb);
      }
      row += span;
      ahead += span;
    }
    return;
  }
  for (int i = r0; i < r1; i++, row += rb)
    for (int b = 0; b < t->nx; b++) {
      size_t o = (size_t)b * nb;
      qa_row x = {t->xq + o * QK, t->xd + o, t->xs + o};
      t->y[(size_t)b * d + i] = dot(row, x, nb);
    }
}

/* rows [r, end) of the joint index space, across task boundaries */
static void mm_span(const mm_job *job, int r, int end) {
  for (int k = 0, base = 0; k < job->nt && r < end; base += job->t[k++].w->rows) {
    int rows = job->t[k].w->rows;
    if (r >= base + rows)
      continue;
    int stop = end < base + rows ? end : base + rows;
    mm_rows(&job->t[k], job->dot[k], job->dotn[k], r - base, stop - base);
    r = stop;
  }
}

/* claims and runs chunks of range g until it is used up */
static void mm_drain(mm_job *job, mm_range *g) {
  for (;;) {
    int r = atomic_fetch_add_explicit(&g->next, job->chunk, memory_order_relaxed);
    if (r >= g->end)
      return;
    mm_span(job, r, r + job->chunk < g->end ? r + job->chunk : g->end);
  }
}

static void mm_worker(void *arg, int ith, int nth) {
  mm_job *job = arg;
  (void)nth;
  for (int k = 0; k < job->nr; k++)
    mm_drain(job, &job->r[(ith + k) % job->nr]);
}

void mm_run(mm_ctx *c, const mm_task *tasks, int ntasks) {
  mm_job job;
  job.t = tasks;
  job.nt = ntasks < MM_MAX_TASKS ? ntasks : MM_MAX_TASKS;
  job.total = 0;
  for (int k = 0; k < job.nt; k++) {
    job.total += tasks[k].w->rows;
    job.dot[k] = dot_get(tasks[k].w->type, c->level);
    job.dotn[k] = dotn_get(tasks[k].w->type, c->level);
  }
  size_t rb = qt_row_bytes(tasks[0].w->type, tasks[0].w->cols);
  job.chunk = (int)((MM_CHUNK_BYTES + rb - 1) / rb);
  job.chunk = job.chunk < 4 ? 4 : (job.chunk + 3) & ~3;
  int n = pool_threads(c->pool);
  job.nr = n < MM_MAX_THREADS ? n : MM_MAX_THREADS;
  for (int i = 0; i < job.nr; i++) { /* range i: rows [total*i/nr, total*(i+1)/nr) */
    atomic_init(&job.r[i].next, (int)((long long)job.total * i / job.nr));
    job.r[i].end = (int)((long long)job.total * (i + 1) / job.nr);
  }
  pool_run_any(c->pool, mm_worker, &job);
}

void mm_f32(const float *w, const float *x, float *y, int d, int n) {
  for (int i = 0; i < d; i++) {
    double s = 0.0;
    for (int j = 0; j < n; j++)
      s += (double)w[(size_t)i * n + j] * x[j];
    y[i] = (float)s;
  }
}
