/* bench.c: prefill, decode and batched-decode runs (see bench.h). */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#include "ops.h"

const int bench_batch[BENCH_BATCHES] = {1, 2, 4, 8, 16};

int bench_open(bench_model *b, const lm_shape *s, qt_type t, int layers, int prompt, int tokens,
               int ctx) {
  memset(b, 0, sizeof *b);
  int len = (prompt + tokens > ctx ? prompt + tokens : ctx) + 1;
  if (model_init(&b->m, s, t, layers, 42) != 0)
    return -1;
  int rows = prompt > BENCH_MAX_BATCH ? prompt : BENCH_MAX_BATCH;
  if (state_init(&b->st, &b->m, rows, BENCH_MAX_BATCH, len) != 0) {
    model_destroy(&b->m);
    return -1;
  }
  /* KV values do not change the speed; writing them makes the pages real */
  size_t cache = (size_t)BENCH_MAX_BATCH * (size_t)b->m.n_layers * (size_t)len *
                 (size_t)shape_kv_dim(s) * sizeof(float);
  memset(b->st.kcache, 0x3c, cache);
  memset(b->st.vcache, 0x3c, cache);
  b->layers_run = b->m.n_layers;
  b->prompt = prompt;
  b->tokens = tokens;
  b->ctx = ctx;
  b->scale = (double)s->n_layers / b->m.n_layers;
  return 0;
}

void bench_close(bench_model *b) {
  state_destroy(&b->st);
  model_destroy(&b->m);
}

/* One forward step; returns its whole-model time in seconds. */
static double step(bench_model *b, mm_ctx *c, int cpu_time, const int *tok, const int *pos,
                   const int *seq, int n, int all) {
  b->st.clock = cpu_time && pool_threads(c->pool) == 1 ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
  double body = b->st.t_body, head = b->st.t_head;
  model_forward(&b->m, &b->st, c, tok, pos, seq, n, all);
  return (b->st.t_head - head) + (b->st.t_body - body) * b->scale;
}

double bench_prefill(bench_model *b, mm_ctx *c, int cpu_time) {
  int n = b->prompt;
  int *tok = malloc(sizeof(int) * (size_t)n * 3), *pos = tok + n, *seq = pos + n;
  if (!tok)
    return 0.0;
  for (int i = 0; i < n; i++) {
    tok[i] = (i * 7919 + 11) % b->m.shape.vocab;
    pos[i] = i;
    seq[i] = 0;
  }
  double t = step(b, c, cpu_time, tok, pos, seq, n, 0);
  free(tok);
  return t > 0 ? n / t : 0.0;
}

double bench_decode(bench_model *b, mm_ctx *c, int cpu_time, double min_seconds) {
  double t = 0.0;
  long n = 0;
  int z = 0;
  while (t < min_seconds || n < b->tokens)
    for (int i = 0; i < b->tokens; i++, n++) {
      int tok = (int)((n * 31 + 7) % b->m.shape.vocab), pos = b->prompt + i;
      t += step(b, c, cpu_time, &tok, &pos, &z, 1, 0);
    }
  return t > 0 ? n / t : 0.0;
}

double bench_batch_step(bench_model *b, mm_ctx *c, int cpu_time, int B) {
  int tok[BENCH_MAX_BATCH], pos[BENCH_MAX_BATCH], seq[BENCH_MAX_BATCH];
  for (int i = 0; i < B; i++) {
    tok[i] = 100 + i;
    pos[i] = b->ctx;
    seq[i] = i;
  }
  return step(b, c, cpu_time, tok, pos, seq, B, 1);
}
