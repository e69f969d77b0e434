/* matmul.c: row-parallel quantized matmul (see matmul.h). */
#include "matmul.h"

#define MM_MAX_TASKS 4

typedef struct {
    const mm_task *t;
    int nt;
    dot_level level;
} mm_job;

/* Thread ith of nth computes rows [d*ith/nth, d*(ith+1)/nth) of every task. */
static void mm_slice(void *arg, int ith, int nth) {
    const mm_job *job = arg;
    for (int k = 0; k < job->nt; k++) {
        const mm_task *t = &job->t[k];
        const qt_tensor *w = t->w;
        dot_fn dot = dot_get(w->type, job->level);
        int d = w->rows, nb = w->cols / QK;
        size_t rb = qt_row_bytes(w->type, w->cols);
        int r0 = (int)((long long)d * ith / nth), r1 = (int)((long long)d * (ith + 1) / nth);
        for (int i = r0; i < r1; i++) {
            const void *row = (const char *)w->data + (size_t)i * rb;
            for (int b = 0; b < t->nx; b++)
                t->y[(size_t)b * d + i] = dot(row, t->x + (size_t)b * nb, nb);
        }
    }
}

void mm_run(mm_ctx *c, const mm_task *tasks, int ntasks) {
    mm_job job = {tasks, ntasks < MM_MAX_TASKS ? ntasks : MM_MAX_TASKS, c->level};
    pool_run(c->pool, mm_slice, &job);
}

void mm_f32(const float *w, const float *x, float *y, int d, int n) {
    for (int i = 0; i < d; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++) s += (double)w[(size_t)i * n + j] * x[j];
        y[i] = (float)s;
    }
}
