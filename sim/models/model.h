/* model.h: a Llama/Qwen-style decoder with quantized linear layers and
 * synthetic, deterministic weights (speed does not depend on their values).
 *
 * Step for n input rows (token tok[b] at position pos[b] of sequence seq[b]):
 *   x = embed(tok); per layer: x += Wo attn(rope(Wq n(x)+bq), rope(Wk n(x)+bk),
 *   Wv n(x)+bv); x += W2 (silu(W1 n(x)) * W3 n(x)); logits = Wcls n(x).
 * Prefill passes the prompt as n rows of one sequence (causal, since each row
 * attends to positions <= its own after all rows' K/V are written); batched
 * decode passes one row per sequence. Both read every weight once per step.
 *
 * Ownership: model_init/model_destroy own all weights; state_init/
 * state_destroy own the activations and KV cache. After a failed init the
 * struct is zeroed and needs no destroy. */
#ifndef ES_MODEL_H
#define ES_MODEL_H

#include <stdint.h>
#include <time.h>

#include "matmul.h"
#include "shape.h"

typedef struct {
  float *att_norm, *ffn_norm; /* (dim,) each */
  float *bq, *bk, *bv;        /* (dim,), (kv_dim,), (kv_dim,); NULL without bias */
  qt_tensor wq, wk, wv, wo;   /* (dim,dim) (kv_dim,dim) (kv_dim,dim) (dim,dim) */
  qt_tensor w1, w3, w2;       /* (hidden,dim) (hidden,dim) (dim,hidden) */
} lm_layer;

typedef struct {
  lm_shape shape;
  qt_type type;
  int n_layers;      /* layers allocated and run, <= shape.n_layers */
  qt_tensor emb;     /* (vocab, dim) */
  qt_tensor cls;     /* (vocab, dim); data aliases emb.data when tied */
  float *final_norm; /* (dim,) */
  lm_layer *layers;  /* (n_layers,) */
} lm_model;

typedef struct {
  int max_rows;           /* rows per step */
  int n_seq;              /* sequences with a KV cache */
  int seq_len;            /* positions per sequence */
  float *x, *xb, *xb2;    /* (max_rows, dim) */
  float *q;               /* (max_rows, dim) */
  float *k, *v;           /* (max_rows, kv_dim) */
  float *hb, *hb2;        /* (max_rows, hidden) */
  float *att;             /* (LM_ATT_SLOTS, seq_len): attention scores, one row per thread */
  int8_t *xq;             /* activation codes (max_rows, max(dim,hidden)) */
  float *xd;              /* activation scales (max_rows, max(dim,hidden)/QK) */
  int32_t *xs;            /* activation code sums, same shape as xd */
  float *logits;          /* (max_rows, vocab) */
  float *kcache, *vcache; /* (n_seq, n_layers, seq_len, kv_dim) */
  clockid_t clock;        /* clock for t_body/t_head; state_init sets CLOCK_MONOTONIC */
  double t_body;          /* seconds in embedding + layers, accumulated */
  double t_head;          /* seconds in final norm + output head, accumulated */
} lm_state;

/* Attention heads are shared among at most this many pool threads. */
#define LM_ATT_SLOTS 8

/* n_layers <= 0 means all. Returns 0, or -1 when out of memory. */
int model_init(lm_model *m, const lm_shape *s, qt_type t, int n_layers, uint64_t seed);
void model_destroy(lm_model *m);
int state_init(lm_state *st, const lm_model *m, int max_rows, int n_seq, int seq_len);
void state_destroy(lm_state *st);

/* Runs n rows (n <= max_rows, pos < seq_len, seq < n_seq). Returns logits
 * (n, vocab) when all_logits, else (1, vocab) for the last row only. */
const float *model_forward(const lm_model *m, lm_state *st, mm_ctx *c, const int *tok,
                           const int *pos, const int *seq, int n, int all_logits);

#endif
