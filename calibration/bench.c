/* bench.c: prefill, decode and batched-decode timing (see bench.h). */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "probe.h"
#include "ops.h"

const int bench_batch[BENCH_BATCHES] = {1, 2, 4, 8};

/* The fastest of n times: like STREAM's best-of, it estimates the speed of
 * an undisturbed run on a host shared with other work. */
static double best(const double *v, int n) {
  double m = v[0];
  for (int i = 1; i < n; i++)
    m = v[i] < m ? v[i] : m;
  return m;
}

typedef struct {
  const lm_model *m;
  lm_state *st;
  mm_ctx *c;
  double scale; /* shape layers / layers run */
} runner;

/* One forward step; returns its whole-model time in seconds. */
static double step(runner *R, const int *tok, const int *pos, const int *seq, int n, int all,
                   int *next) {
  double b0 = R->st->t_body, h0 = R->st->t_head;
  const float *lg = model_forward(R->m, R->st, R->c, tok, pos, seq, n, all);
  if (next)
    next[0] = op_argmax(lg, R->m->shape.vocab);
  return (R->st->t_head - h0) + (R->st->t_body - b0) * R->scale;
}

/* Prefill `prompt` tokens into sequence 0, then decode `tokens` one by one. */
static void measure_point(runner *R, int prompt, int tokens, bench_point *p) {
  int *tok = malloc(sizeof(int) * (size_t)prompt * 3), *pos = tok + prompt, *seq = pos + prompt;
  double *dt = malloc(sizeof(double) * (size_t)tokens);
  for (int i = 0; i < prompt; i++) {
    tok[i] = (i * 7919 + 11) % R->m->shape.vocab;
    pos[i] = i;
    seq[i] = 0;
  }
  int next;
  double tp = 1e30;
  for (int rep = 0; rep < 3; rep++) { /* best of 3 prefills (positions rewritten) */
    double t = step(R, tok, pos, seq, prompt, 0, &next);
    tp = t < tp ? t : tp;
  }
  p->prefill_tps = prompt / tp;
  p->prefill_flops = shape_prefill_flops(&R->m->shape, prompt) / tp;
  for (int i = 0; i < tokens; i++) {
    int ps = prompt + i, z = 0, cur = next;
    dt[i] = step(R, &cur, &ps, &z, 1, 0, &next);
  }
  p->decode_tps = 1.0 / best(dt, tokens);
  free(tok);
  free(dt);
}

/* All B sequences decoded in one pass per step, at positions after the prompt. */
static double measure_batch(runner *R, int B, int at, int steps) {
  int tok[8], pos[8], seq[8];
  double *dt = malloc(sizeof(double) * (size_t)steps);
  for (int b = 0; b < B; b++) {
    tok[b] = 100 + b;
    seq[b] = b;
  }
  for (int i = 0; i < steps; i++) {
    for (int b = 0; b < B; b++)
      pos[b] = at + i;
    dt[i] = step(R, tok, pos, seq, B, 1, NULL);
  }
  double tps = B / best(dt, steps);
  free(dt);
  return tps;
}

int bench_run(const lm_shape *s, qt_type t, int layers, int threads, int prompt, int tokens,
              int cpu_time, bench_result *r) {
  lm_model m;
  lm_state st;
  int steps = tokens < 4 ? 4 : tokens;
  memset(r, 0, sizeof *r);
  if (model_init(&m, s, t, layers, 42) != 0)
    return -1;
  if (state_init(&st, &m, prompt > 8 ? prompt : 8, 8, prompt + tokens + steps + 1) != 0) {
    model_destroy(&m);
    return -1;
  }
  r->layers_run = m.n_layers;
  r->prompt = prompt;
  r->npoints = threads > 1 ? 2 : 1;
  for (int k = 0; k < r->npoints; k++) {
    es_pool *pool = pool_new(k == 0 ? 1 : threads);
    mm_ctx c = {pool, dot_detect()};
    r->pt[k].threads = pool_threads(pool);
    int cpu = cpu_time && r->pt[k].threads == 1; /* as probe_clock */
    st.clock = cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
    runner R = {&m, &st, &c, (double)s->n_layers / m.n_layers};
    measure_point(&R, prompt, tokens, &r->pt[k]);
    if (k == r->npoints - 1)
      for (int i = 0; i < BENCH_BATCHES; i++)
        r->batch_tps[i] = measure_batch(&R, bench_batch[i], prompt + tokens, steps);
    pool_free(pool);
  }
  state_destroy(&st);
  model_destroy(&m);
  return 0;
}
