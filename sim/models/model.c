/* model.c: weights, state and the forward pass (see model.h). */
#include "model.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bigalloc.h"
#include "ops.h"

/* ---------------------------------------------------------------- weights */

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static float unit(uint64_t *s) { return (float)(splitmix(s) >> 40) / 16777216.0f; }

/* Random codes and scales: values uniform-ish in [-amp, amp] times a block
 * factor in [0.5, 1.5). Codes stay in the ranges quant.h promises. */
static void fill_blocks(qt_tensor *w, uint64_t seed, float amp) {
  uint64_t s = seed;
  size_t nb = (size_t)w->rows * (size_t)(w->cols / QK);
  for (size_t b = 0; b < nb; b++) {
    uint16_t d;
    if (w->type == QT_Q8_0) {
      block_q8_0 *blk = (block_q8_0 *)w->data + b;
      d = qt_f32_to_f16(amp / 127.0f * (0.5f + unit(&s)));
      for (int j = 0; j < QK; j += 8) {
        uint64_t r = splitmix(&s);
        for (int k = 0; k < 8; k++)
          blk->qs[j + k] = (int8_t)((int)((r >> (8 * k)) & 0xff) % 255 - 127);
      }
      blk->d = d;
    } else {
      block_q4_0 *blk = (block_q4_0 *)w->data + b;
      d = qt_f32_to_f16(amp / 7.0f * (0.5f + unit(&s)));
      for (int j = 0; j < QK / 2; j += 8) {
        uint64_t r = splitmix(&s);
        for (int k = 0; k < 8; k++) {
          unsigned byte = (unsigned)((r >> (8 * k)) & 0xff);
          blk->qs[j + k] = (uint8_t)((1 + (byte & 0x0f) % 15) | ((1 + (byte >> 4) % 15) << 4));
        }
      }
      blk->d = d;
    }
  }
}

static int new_tensor(qt_tensor *w, qt_type t, int rows, int cols, uint64_t seed, float amp) {
  w->type = t;
  w->rows = rows;
  w->cols = cols;
  w->data = big_alloc((size_t)rows * qt_row_bytes(t, cols));
  if (!w->data)
    return -1;
  fill_blocks(w, seed, amp);
  return 0;
}

/* (n,) floats around `center` with spread `amp`; NULL when out of memory */
static float *new_vec(int n, uint64_t seed, float center, float amp) {
  float *v = malloc((size_t)n * sizeof *v);
  uint64_t s = seed;
  for (int i = 0; v && i < n; i++)
    v[i] = center + amp * (2.0f * unit(&s) - 1.0f);
  return v;
}

static int init_layer(lm_layer *L, const lm_shape *s, qt_type t, uint64_t seed) {
  int d = s->dim, kv = shape_kv_dim(s), h = s->hidden_dim;
  float ad = 1.0f / sqrtf((float)d), ah = 1.0f / sqrtf((float)h);
  int bad = 0;
  L->att_norm = new_vec(d, seed + 1, 1.0f, 0.1f);
  L->ffn_norm = new_vec(d, seed + 2, 1.0f, 0.1f);
  bad |= !L->att_norm || !L->ffn_norm;
  if (s->qkv_bias) {
    L->bq = new_vec(d, seed + 3, 0.0f, 0.02f);
    L->bk = new_vec(kv, seed + 4, 0.0f, 0.02f);
    L->bv = new_vec(kv, seed + 5, 0.0f, 0.02f);
    bad |= !L->bq || !L->bk || !L->bv;
  }
  bad |= new_tensor(&L->wq, t, d, d, seed + 6, ad);
  bad |= new_tensor(&L->wk, t, kv, d, seed + 7, ad);
  bad |= new_tensor(&L->wv, t, kv, d, seed + 8, ad);
  bad |= new_tensor(&L->wo, t, d, d, seed + 9, ad);
  bad |= new_tensor(&L->w1, t, h, d, seed + 10, ad);
  bad |= new_tensor(&L->w3, t, h, d, seed + 11, ad);
  bad |= new_tensor(&L->w2, t, d, h, seed + 12, ah);
  return bad ? -1 : 0;
}

static void free_layer(lm_layer *L) {
  free(L->att_norm);
  free(L->ffn_norm);
  free(L->bq);
  free(L->bk);
  free(L->bv);
  big_free(L->wq.data);
  big_free(L->wk.data);
  big_free(L->wv.data);
  big_free(L->wo.data);
  big_free(L->w1.data);
  big_free(L->w3.data);
  big_free(L->w2.data);
}

void model_destroy(lm_model *m) {
  for (int l = 0; m->layers && l < m->n_layers; l++)
    free_layer(&m->layers[l]);
  free(m->layers);
  if (m->cls.data != m->emb.data)
    big_free(m->cls.data);
  big_free(m->emb.data);
  free(m->final_norm);
  memset(m, 0, sizeof *m);
}

int model_init(lm_model *m, const lm_shape *s, qt_type t, int n_layers, uint64_t seed) {
  memset(m, 0, sizeof *m);
  m->shape = *s;
  m->type = t;
  m->n_layers = n_layers <= 0 || n_layers > s->n_layers ? s->n_layers : n_layers;
  m->layers = calloc((size_t)m->n_layers, sizeof *m->layers);
  int bad = !m->layers;
  for (int l = 0; !bad && l < m->n_layers; l++)
    bad |= init_layer(&m->layers[l], s, t, seed + 100u * (uint64_t)(l + 1));
  bad = bad || new_tensor(&m->emb, t, s->vocab, s->dim, seed + 1, 1.0f);
  if (!bad && s->tied)
    m->cls = m->emb;
  else if (!bad)
    bad = new_tensor(&m->cls, t, s->vocab, s->dim, seed + 2, 1.0f / sqrtf((float)s->dim));
  bad = bad || !(m->final_norm = new_vec(s->dim, seed + 3, 1.0f, 0.1f));
  if (bad)
    model_destroy(m);
  return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ state */

int state_init(lm_state *st, const lm_model *m, int max_rows, int n_seq, int seq_len) {
  const lm_shape *s = &m->shape;
  size_t r = (size_t)max_rows, d = (size_t)s->dim, kv = (size_t)shape_kv_dim(s);
  size_t h = (size_t)s->hidden_dim, wide = h > d ? h : d;
  size_t cache = (size_t)n_seq * (size_t)m->n_layers * (size_t)seq_len * kv;
  memset(st, 0, sizeof *st);
  st->max_rows = max_rows;
  st->n_seq = n_seq;
  st->seq_len = seq_len;
  st->clock = CLOCK_MONOTONIC;
  st->x = calloc(r * d, sizeof(float));
  st->xb = calloc(r * d, sizeof(float));
  st->xb2 = calloc(r * d, sizeof(float));
  st->q = calloc(r * d, sizeof(float));
  st->k = calloc(r * kv, sizeof(float));
  st->v = calloc(r * kv, sizeof(float));
  st->hb = calloc(r * h, sizeof(float));
  st->hb2 = calloc(r * h, sizeof(float));
  st->att = calloc((size_t)LM_ATT_SLOTS * (size_t)seq_len, sizeof(float));
  st->xq = calloc(r * wide, 1);
  st->xd = calloc(r * wide / QK, sizeof(float));
  st->xs = calloc(r * wide / QK, sizeof(int32_t));
  st->logits = calloc(r * (size_t)s->vocab, sizeof(float));
  st->kcache = calloc(cache, sizeof(float));
  st->vcache = calloc(cache, sizeof(float));
  if (!st->x || !st->xb || !st->xb2 || !st->q || !st->k || !st->v || !st->hb || !st->hb2 ||
      !st->att || !st->xq || !st->xd || !st->xs || !st->logits || !st->kcache || !st->vcache) {
    state_destroy(st);
    return -1;
  }
  return 0;
}

void state_destroy(lm_state *st) {
  free(st->x);
  free(st->xb);
  free(st->xb2);
  free(st->q);
  free(st->k);
  free(st->v);
  free(st->hb);
  free(st->hb2);
  free(st->att);
  free(st->xq);
  free(st->xd);
  free(st->xs);
  free(st->logits);
  free(st->kcache);
  free(st->vcache);
  memset(st, 0, sizeof *st);
}

/* ---------------------------------------------------------------- forward */

static double now(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* x (n, cols) -> st->xq (n, cols), st->xd and st->xs (n, cols/QK) */
static void quantize_rows(lm_state *st, const float *x, int n, int cols) {
  for (int b = 0; b < n; b++) {
    size_t o = (size_t)b * (cols / QK);
    qa_quantize(x + (size_t)b * cols, st->xq + o * QK, st->xd + o, st->xs + o, cols);
  }
}

/* W (d, cols) @ the quantized rows in st -> y (n, d) */
static mm_task task(const lm_state *st, const qt_tensor *w, float *y, int n) {
  return (mm_task){w, st->xq, st->xd, st->xs, y, n};
}

static void linear(mm_ctx *c, lm_state *st, const qt_tensor *w, float *y, int n) {
  mm_task t = task(st, w, y, n);
  mm_run(c, &t, 1);
}

static float *cache_at(const lm_model *m, const lm_state *st, float *cache, int seq, int l,
                       int pos) {
  size_t kv = (size_t)shape_kv_dim(&m->shape);
  return cache + (((size_t)seq * m->n_layers + l) * st->seq_len + pos) * kv;
}

/* a (n,) . b (n,) in eight interleaved partial sums, added in a fixed
 * order: one dependent chain of n additions kept attention at a quarter of
 * the adder's speed, and attention runs between the parallel matmuls */
static float dot_f32(const float *a, const float *b, int n) {
  float s[8] = {0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++)
      s[k] += a[i + k] * b[i + k];
  for (; i < n; i++)
    s[i & 7] += a[i] * b[i];
  return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

/* head h of q (dim,) of the row at (seq, pos) attends to cached positions
 * 0..pos -> out (dim,) head h's slice; att (pos+1,) is scratch */
static void attend_head(const lm_model *m, const lm_state *st, int l, int seq, int pos,
                        const float *q, float *out, int h, float *att) {
  const lm_shape *s = &m->shape;
  int hd = shape_head_dim(s), group = s->n_heads / s->n_kv_heads;
  float scale = 1.0f / sqrtf((float)hd);
  const float *qh = q + h * hd;
  int off = (h / group) * hd; /* this head's KV head */
  for (int t = 0; t <= pos; t++)
    att[t] = dot_f32(qh, cache_at(m, st, st->kcache, seq, l, t) + off, hd) * scale;
  op_softmax(att, pos + 1);
  float *o = out + h * hd;
  memset(o, 0, (size_t)hd * sizeof *o);
  for (int t = 0; t <= pos; t++) {
    const float *v = cache_at(m, st, st->vcache, seq, l, t) + off;
    for (int i = 0; i < hd; i++)
      o[i] += att[t] * v[i];
  }
}

/* The (row, head) pairs of one layer's attention, claimed one at a time by
 * the pool threads; thread i uses score row i of st->att. Each output
 * element is written by one pair, so the result does not depend on threads. */
typedef struct {
  const lm_model *m;
  lm_state *st;
  int l, n;
  const int *pos, *seq;
  atomic_int next;
} att_job;

static void att_worker(void *arg, int ith, int nth) {
  att_job *j = arg;
  (void)nth;
  if (ith >= LM_ATT_SLOTS)
    return;
  int H = j->m->shape.n_heads, d = j->m->shape.dim;
  float *att = j->st->att + (size_t)ith * j->st->seq_len;
  for (;;) {
    int k = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
    if (k >= j->n * H)
      return;
    int b = k / H;
    attend_head(j->m, j->st, j->l, j->seq[b], j->pos[b], j->st->q + (size_t)b * d,
                j->st->xb2 + (size_t)b * d, k % H, att);
  }
}

static void attention_block(const lm_model *m, lm_state *st, mm_ctx *c, int l, const int *pos,
                            const int *seq, int n) {
  const lm_shape *s = &m->shape;
  const lm_layer *L = &m->layers[l];
  int d = s->dim, kv = shape_kv_dim(s), hd = shape_head_dim(s);
  for (int b = 0; b < n; b++)
    op_rmsnorm(st->xb + (size_t)b * d, st->x + (size_t)b * d, L->att_norm, d, s->norm_eps);
  quantize_rows(st, st->xb, n, d);
  mm_task qkv[3] = {task(st, &L->wq, st->q, n), task(st, &L->wk, st->k, n),
                    task(st, &L->wv, st->v, n)};
  mm_run(c, qkv, 3);
  for (int b = 0; b < n; b++) { /* bias, rope, write K/V into the cache */
    float *q = st->q + (size_t)b * d, *k = st->k + (size_t)b * kv, *v = st->v + (size_t)b * kv;
    if (L->bq) {
      op_add(q, L->bq, d);
      op_add(k, L->bk, kv);
      op_add(v, L->bv, kv);
    }
    op_rope(q, s->n_heads, hd, pos[b], s->rope_theta);
    op_rope(k, s->n_kv_heads, hd, pos[b], s->rope_theta);
    memcpy(cache_at(m, st, st->kcache, seq[b], l, pos[b]), k, (size_t)kv * sizeof *k);
    memcpy(cache_at(m, st, st->vcache, seq[b], l, pos[b]), v, (size_t)kv * sizeof *v);
  }
  att_job aj = {m, st, l, n, pos, seq, 0};
  atomic_init(&aj.next, 0);
  pool_run_any(c->pool, att_worker, &aj);
  quantize_rows(st, st->xb2, n, d);
  linear(c, st, &L->wo, st->xb, n);
  op_add(st->x, st->xb, n * d);
}

/* SwiGLU of hb, hb2 (n, h) and the quantization of the result, shared by
 * the pool threads in pieces of SWIGLU_BLOCKS blocks: both are per element
 * or per block, so the result does not depend on who computed which piece
 * (one thread spent 6% of 0.5B decode here, on expf, while the others
 * waited). */
#define SWIGLU_BLOCKS 16

typedef struct {
  lm_state *st;
  int nblocks; /* n * h / QK */
  atomic_int next;
} swiglu_job;

static void swiglu_worker(void *arg, int ith, int nth) {
  swiglu_job *j = arg;
  lm_state *st = j->st;
  (void)ith;
  (void)nth;
  for (;;) {
    int b0 = atomic_fetch_add_explicit(&j->next, SWIGLU_BLOCKS, memory_order_relaxed);
    if (b0 >= j->nblocks)
      return;
    int nb = j->nblocks - b0 < SWIGLU_BLOCKS ? j->nblocks - b0 : SWIGLU_BLOCKS;
    size_t o = (size_t)b0 * QK;
    op_swiglu(st->hb + o, st->hb2 + o, nb * QK);
    qa_quantize(st->hb + o, st->xq + o, st->xd + b0, st->xs + b0, nb * QK);
  }
}

static void mlp_block(const lm_model *m, lm_state *st, mm_ctx *c, int l, int n) {
  const lm_shape *s = &m->shape;
  const lm_layer *L = &m->layers[l];
  int d = s->dim, h = s->hidden_dim;
  for (int b = 0; b < n; b++)
    op_rmsnorm(st->xb + (size_t)b * d, st->x + (size_t)b * d, L->ffn_norm, d, s->norm_eps);
  quantize_rows(st, st->xb, n, d);
  mm_task up[2] = {task(st, &L->w1, st->hb, n), task(st, &L->w3, st->hb2, n)};
  mm_run(c, up, 2);
  swiglu_job sj = {st, n * h / QK, 0}; /* rows of h values are whole blocks */
  atomic_init(&sj.next, 0);
  pool_run_any(c->pool, swiglu_worker, &sj);
  linear(c, st, &L->w2, st->xb, n);
  op_add(st->x, st->xb, n * d);
}

const float *model_forward(const lm_model *m, lm_state *st, mm_ctx *c, const int *tok,
                           const int *pos, const int *seq, int n, int all_logits) {
  const lm_shape *s = &m->shape;
  int d = s->dim;
  double t0 = now(st->clock);
  size_t rb = qt_row_bytes(m->type, d);
  for (int b = 0; b < n; b++) /* 1. embedding rows */
    qt_dequantize(m->type, (const char *)m->emb.data + (size_t)tok[b] * rb, st->x + (size_t)b * d,
                  d);
  for (int l = 0; l < m->n_layers; l++) { /* 2. decoder layers */
    attention_block(m, st, c, l, pos, seq, n);
    mlp_block(m, st, c, l, n);
  }
  double t1 = now(st->clock);
  int first = all_logits ? 0 : n - 1, rows = n - first; /* 3. head */
  for (int b = 0; b < rows; b++)
    op_rmsnorm(st->xb + (size_t)b * d, st->x + (size_t)(first + b) * d, m->final_norm, d,
               s->norm_eps);
  quantize_rows(st, st->xb, rows, d);
  linear(c, st, &m->cls, st->logits, rows);
  st->t_body += t1 - t0;
  st->t_head += now(st->clock) - t1;
  return st->logits;
}
