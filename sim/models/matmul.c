/* matmul.c: row-parallel quantized matmul (see matmul.h). */
#include "matmul.h"

#include <stdatomic.h>

#define MM_MAX_TASKS 4
#define MM_CHUNK 16 /* rows claimed at a time */

/* Rows of all tasks form one index space [0, total); threads claim chunks of
 * MM_CHUNK rows from `next`, so a thread that the OS deschedules (the host
 * may be shared) delays at most the chunk it holds. */
typedef struct {
    const mm_task *t;
    int nt;
    dot_level level;
    int total;
    atomic_int next;
} mm_job;

static void mm_rows(const mm_task *t, dot_fn dot, int r0, int r1) {
    const qt_tensor *w = t->w;
    int d = w->rows, nb = w->cols / QK;
    size_t rb = qt_row_bytes(w->type, w->cols);
    const char *row = (const char *)w->data + (size_t)r0 * rb;
    if (t->nx == 1) { /* decode: one activation row */
        qa_row x = {t->xq, t->xd, t->xs};
        for (int i = r0; i < r1; i++, row += rb) t->y[i] = dot(row, x, nb);
        return;
    }
    for (int i = r0; i < r1; i++, row += rb)
        for (int b = 0; b < t->nx; b++) {
            size_t o = (size_t)b * nb;
            qa_row x = {t->xq + o * QK, t->xd + o, t->xs + o};
            t->y[(size_t)b * d + i] = dot(row, x, nb);
        }
}

static void mm_worker(void *arg, int ith, int nth) {
    mm_job *job = arg;
    (void)ith;
    (void)nth;
    for (;;) {
        int r = atomic_fetch_add_explicit(&job->next, MM_CHUNK, memory_order_relaxed);
        if (r >= job->total) break;
        int end = r + MM_CHUNK < job->total ? r + MM_CHUNK : job->total;
        for (int k = 0, base = 0; k < job->nt && r < end; base += job->t[k++].w->rows) {
            int rows = job->t[k].w->rows;
            if (r >= base + rows) continue;
            int stop = end < base + rows ? end : base + rows;
            mm_rows(&job->t[k], dot_get(job->t[k].w->type, job->level), r - base, stop - base);
            r = stop;
        }
    }
}

void mm_run(mm_ctx *c, const mm_task *tasks, int ntasks) {
    mm_job job = {tasks, ntasks < MM_MAX_TASKS ? ntasks : MM_MAX_TASKS, c->level, 0, 0};
    for (int k = 0; k < job.nt; k++) job.total += tasks[k].w->rows;
    atomic_init(&job.next, 0);
    pool_run(c->pool, mm_worker, &job);
}

void mm_f32(const float *w, const float *x, float *y, int d, int n) {
    for (int i = 0; i < d; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++) s += (double)w[(size_t)i * n + j] * x[j];
        y[i] = (float)s;
    }
}
