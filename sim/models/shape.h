/* shape.h: a decoder's shape (models/lm/<name>.json) and the exact bytes and
 * FLOPs it implies. Counts are for the whole model (shape.n_layers), whatever
 * subset of layers a run allocates.
 * Units: bytes, FLOPs (one multiply-add = 2 FLOPs), tokens. */
#ifndef ES_SHAPE_H
#define ES_SHAPE_H

#include <stddef.h>

#include "quant.h"

typedef struct {
  char name[64];
  int dim; /* hidden size */
  int n_layers;
  int n_heads;
  int n_kv_heads; /* grouped-query attention: n_heads % n_kv_heads == 0 */
  int hidden_dim; /* MLP intermediate size */
  int vocab;
  int tied;     /* 1: the output head is the embedding table */
  int qkv_bias; /* 1: q, k, v projections have fp32 biases */
  float rope_theta;
  float norm_eps;
} lm_shape;

/* 0 ok; -1 with one line in err naming the file and key. */
int shape_load(const char *path, lm_shape *s, char *err, size_t errlen);

int shape_head_dim(const lm_shape *s);                  /* dim / n_heads */
int shape_kv_dim(const lm_shape *s);                    /* n_kv_heads * head_dim */
double shape_layer_params(const lm_shape *s);           /* quantized weights per layer */
double shape_layer_bytes(const lm_shape *s, qt_type t); /* one layer, incl. fp32 norms/biases */
double shape_head_bytes(const lm_shape *s, qt_type t);  /* output head + final norm */
/* Weight bytes read per decoded token: all layers, the head, and (untied
 * only) one embedding row. KV-cache reads are not included. */
double shape_decode_bytes(const lm_shape *s, qt_type t);
double shape_resident_bytes(const lm_shape *s, qt_type t); /* weights in memory */
double shape_params(const lm_shape *s);                    /* all weights, embeddings once */
/* FLOPs of one decoded token attending to ctx positions (itself included). */
double shape_decode_flops(const lm_shape *s, int ctx);
/* FLOPs to prefill a prompt of p tokens, logits for the last token only. */
double shape_prefill_flops(const lm_shape *s, int p);
/* KV cache bytes for `tokens` positions at elem_bytes per element. */
double shape_kv_bytes(const lm_shape *s, int tokens, int elem_bytes);

#endif
