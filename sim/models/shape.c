/* shape.c: loading lm shapes and counting bytes and FLOPs. */
#include "shape.h"

#include <stdio.h>
#include <string.h>

#include "jsonfile.h"

static int get_int(const cJSON *o, const char *key, int min, int *out, const char *path, char *err,
                   size_t errlen) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsNumber(v) || v->valuedouble < min || v->valuedouble > 1e9 ||
      v->valuedouble != (double)(int)v->valuedouble) {
    snprintf(err, errlen, "%s: %s: must be an integer >= %d", path, key, min);
    return -1;
  }
  *out = (int)v->valuedouble;
  return 0;
}

static int get_bool(const cJSON *o, const char *key, int *out, const char *path, char *err,
                    size_t errlen) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsBool(v)) {
    snprintf(err, errlen, "%s: %s: must be true or false", path, key);
    return -1;
  }
  *out = cJSON_IsTrue(v);
  return 0;
}

static int get_pos(const cJSON *o, const char *key, float *out, const char *path, char *err,
                   size_t errlen) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsNumber(v) || !(v->valuedouble > 0)) {
    snprintf(err, errlen, "%s: %s: must be a number > 0", path, key);
    return -1;
  }
  *out = (float)v->valuedouble;
  return 0;
}

static int check(const lm_shape *s, const char *path, char *err, size_t errlen) {
  const char *why = NULL;
  if (s->dim % s->n_heads)
    why = "dim: must be a multiple of n_heads";
  else if (s->n_heads % s->n_kv_heads)
    why = "n_heads: must be a multiple of n_kv_heads";
  else if ((s->dim / s->n_heads) % 2)
    why = "dim: head size dim/n_heads must be even";
  else if (s->dim % QK || s->hidden_dim % QK || shape_kv_dim(s) % QK)
    why = "dim: dim, hidden_dim and kv size must be multiples of 32";
  if (why)
    snprintf(err, errlen, "%s: %s", path, why);
  return why ? -1 : 0;
}

int shape_load(const char *path, lm_shape *s, char *err, size_t errlen) {
  cJSON *o = jf_load(path, err, errlen);
  if (!o)
    return -1;
  memset(s, 0, sizeof *s);
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
  int rc = -1;
  if (!cJSON_IsString(name) || strlen(name->valuestring) >= sizeof s->name)
    snprintf(err, errlen, "%s: name: must be a string of < 64 bytes", path);
  else if (!get_int(o, "dim", QK, &s->dim, path, err, errlen) &&
           !get_int(o, "n_layers", 1, &s->n_layers, path, err, errlen) &&
           !get_int(o, "n_heads", 1, &s->n_heads, path, err, errlen) &&
           !get_int(o, "n_kv_heads", 1, &s->n_kv_heads, path, err, errlen) &&
           !get_int(o, "hidden_dim", QK, &s->hidden_dim, path, err, errlen) &&
           !get_int(o, "vocab_size", 1, &s->vocab, path, err, errlen) &&
           !get_bool(o, "tied_embeddings", &s->tied, path, err, errlen) &&
           !get_bool(o, "qkv_bias", &s->qkv_bias, path, err, errlen) &&
           !get_pos(o, "rope_theta", &s->rope_theta, path, err, errlen) &&
           !get_pos(o, "norm_eps", &s->norm_eps, path, err, errlen)) {
    strcpy(s->name, name->valuestring);
    rc = check(s, path, err, errlen);
  }
  cJSON_Delete(o);
  return rc;
}

int shape_head_dim(const lm_shape *s) { return s->dim / s->n_heads; }
int shape_kv_dim(const lm_shape *s) { return s->n_kv_heads * shape_head_dim(s); }

double shape_layer_params(const lm_shape *s) {
  double d = s->dim, kv = shape_kv_dim(s), h = s->hidden_dim;
  return d * d + 2.0 * d * kv + d * d + 3.0 * d * h; /* wq wk wv wo w1 w2 w3 */
}

static double qbytes(qt_type t, double n) { return n / QK * (double)qt_block_bytes(t); }

double shape_layer_bytes(const lm_shape *s, qt_type t) {
  double f32 = 2.0 * s->dim; /* two rmsnorm weight vectors */
  if (s->qkv_bias)
    f32 += s->dim + 2.0 * shape_kv_dim(s);
  return qbytes(t, shape_layer_params(s)) + 4.0 * f32;
}

double shape_head_bytes(const lm_shape *s, qt_type t) {
  return qbytes(t, (double)s->vocab * s->dim) + 4.0 * s->dim;
}

double shape_decode_bytes(const lm_shape *s, qt_type t) {
  double row = s->tied ? 0.0 : qbytes(t, s->dim);
  return s->n_layers * shape_layer_bytes(s, t) + shape_head_bytes(s, t) + row;
}

double shape_resident_bytes(const lm_shape *s, qt_type t) {
  double emb = s->tied ? 0.0 : qbytes(t, (double)s->vocab * s->dim);
  return s->n_layers * shape_layer_bytes(s, t) + shape_head_bytes(s, t) + emb;
}

double shape_params(const lm_shape *s) {
  double emb = (double)s->vocab * s->dim * (s->tied ? 1 : 2);
  return s->n_layers * shape_layer_params(s) + emb;
}

/* attention for one query over ctx positions: q.k and p.v per head */
static double attn_flops(const lm_shape *s, double ctx) {
  return 2.0 * 2.0 * s->n_layers * (double)s->dim * ctx;
}

double shape_decode_flops(const lm_shape *s, int ctx) {
  double mm = s->n_layers * shape_layer_params(s) + (double)s->vocab * s->dim;
  return 2.0 * mm + attn_flops(s, ctx);
}

double shape_prefill_flops(const lm_shape *s, int p) {
  double layers = 2.0 * p * s->n_layers * shape_layer_params(s);
  double head = 2.0 * (double)s->vocab * s->dim;
  return layers + head + attn_flops(s, (double)p * (p + 1) / 2.0);
}

double shape_kv_bytes(const lm_shape *s, int tokens, int elem_bytes) {
  return 2.0 * s->n_layers * (double)shape_kv_dim(s) * tokens * elem_bytes;
}
