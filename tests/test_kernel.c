/* test_kernel.c: dot products and matmuls against float references, SIMD
 * against portable, and the tiny model's forward pass against a float
 * reference forward pass written independently here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "ops.h"

static uint64_t rng = 987654321;
static float frand(void) { /* uniform [-1, 1) */
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (float)(rng >> 40) / 8388608.0f - 1.0f;
}

static const qt_type types[] = {QT_Q8_0, QT_Q4_0};

/* n activations -> a quantized row in caller arrays */
typedef struct {
  int8_t qs[32 * 64];
  float d[64];
  int32_t s[64];
} qbuf;

static qa_row quant_row(const float *x, qbuf *q, int n) {
  qa_quantize(x, q->qs, q->d, q->s, n);
  return (qa_row){q->qs, q->d, q->s};
}

/* Quantized dot vs (a) the exact dot of the dequantized values, within float
 * accumulation error, and (b) the float dot of the originals, within the
 * bound sum_i d_w/2 |x_i| + |w'_i| d_x/2 implied by the round-trip bounds. */
static void test_dot_vs_float(void **state) {
  (void)state;
  enum { N = 32 * 37 };
  float w[N], x[N], wd[N], xd[N];
  unsigned char wq[N / 32 * 34];
  static qbuf qb;
  for (int t = 0; t < 2; t++) {
    for (int i = 0; i < N; i++) {
      w[i] = frand();
      x[i] = 3.0f * frand();
    }
    qt_quantize(types[t], w, wq, N);
    qt_dequantize(types[t], wq, wd, N);
    qa_row xq = quant_row(x, &qb, N);
    double exact = 0, orig = 0, mag = 0, bound = 0;
    for (int i = 0; i < N; i++) {
      float dx = xq.d[i / 32];
      xd[i] = dx * xq.qs[i];
      exact += (double)wd[i] * xd[i];
      orig += (double)w[i] * x[i];
      mag += fabs((double)wd[i] * xd[i]);
      bound += fabs(w[i] - wd[i]) * fabs(x[i]) + fabs(wd[i]) * 0.5 * dx;
    }
    float got = dot_get(types[t], DOT_PORTABLE)(wq, xq, N / 32);
    assert_true(fabs(got - exact) <= 1e-5 * mag);
    assert_true(fabs(got - orig) <= bound + 1e-5 * mag);
    assert_true(bound < (types[t] == QT_Q8_0 ? 0.02 : 0.15) *
                            mag); /* the bound is tight enough to mean something */
  }
}

/* Every SIMD level the CPU has gives bit-identical results to portable C,
 * including block counts that are not multiples of 8 and extreme codes. */
static void test_simd_equals_portable(void **state) {
  (void)state;
  enum { NB = 41 };
  float w[NB * 32], x[NB * 32];
  unsigned char wq[NB * 34];
  static qbuf qb;
  int levels = 0;
  for (int l = DOT_AVX2; l <= DOT_VNNI; l++) {
    if (!dot_supported((dot_level)l))
      continue;
    levels++;
    for (int t = 0; t < 2; t++) {
      for (int rep = 0; rep < 20; rep++) {
        for (int i = 0; i < NB * 32; i++) {
          w[i] = rep == 0 ? (i % 2 ? 1.0f : -1.0f) : frand() * (1 + i % 5);
          x[i] = rep == 0 ? (i % 3 ? -1.0f : 1.0f) : frand() * 100.0f;
        }
        qt_quantize(types[t], w, wq, NB * 32);
        qa_row xq = quant_row(x, &qb, NB * 32);
        for (int nb = 1; nb <= NB; nb++) {
          float a = dot_get(types[t], DOT_PORTABLE)(wq, xq, nb);
          float b = dot_get(types[t], (dot_level)l)(wq, xq, nb);
          assert_true(a == b);
        }
      }
    }
  }
  printf("  SIMD levels compared with portable: %d (best: %s)\n", levels,
         dot_level_name(dot_detect()));
}

/* Multi-row kernels (where a level has one) equal the portable dot of
 * every row, for row counts around the kernel's group of 4 and block counts
 * with every kind of tail, and codes that include the -8 nibble. */
static void test_dotn_equals_portable(void **state) {
  (void)state;
  enum { NB = 41, ROWS = 9 };
  static float w[ROWS * NB * 32], x[NB * 32], y[ROWS];
  static unsigned char wq[ROWS * NB * 34];
  static qbuf qb;
  dotn_fn fns[8];
  qt_type fty[8];
  int kernels = 0;
  for (int l = DOT_AVX2; l <= DOT_VNNI; l++)
    for (int t = 0; t < 2; t++)
      if (dot_supported((dot_level)l) && dotn_get(types[t], (dot_level)l)) {
        fns[kernels] = dotn_get(types[t], (dot_level)l);
        fty[kernels++] = types[t];
      }
#if defined(__x86_64__) || defined(__i386__)
  if (dot_supported(DOT_VNNI) && dotn_get(QT_Q4_0, DOT_VNNI) != dotn_q4_0_vnni) {
    fns[kernels] = dotn_q4_0_vnni; /* without VBMI: this CPU picks the other one */
    fty[kernels++] = QT_Q4_0;
  }
#endif
  for (int k = 0; k < kernels; k++)
    for (int rep = 0; rep < 4; rep++)
      for (int nb = 1; nb <= NB; nb++) {
        for (int i = 0; i < ROWS * nb * 32; i++)
          w[i] = frand() * (1 + i % 7);
        for (int i = 0; i < nb * 32; i++)
          x[i] = frand() * 50.0f;
        qt_quantize(fty[k], w, wq, ROWS * nb * 32);
        size_t rb = qt_row_bytes(fty[k], nb * 32);
        if (rep == 1 && fty[k] == QT_Q4_0) /* raw codes: nibble 0 is -8 */
          for (size_t i = 0; i < ROWS * rb; i++)
            if (i % rb % 18 >= 2)
              wq[i] = (unsigned char)(i * 37);
        qa_row xq = quant_row(x, &qb, nb * 32);
        for (int rows = 1; rows <= ROWS; rows++) {
          fns[k](wq, rb, xq, nb, rows, y);
          for (int r = 0; r < rows; r++)
            assert_true(y[r] == dot_get(fty[k], DOT_PORTABLE)(wq + r * rb, xq, nb));
        }
      }
  printf("  multi-row kernels compared with portable: %d\n", kernels);
}

/* mm_run on 3 threads with a batch of 5 rows equals per-row portable dots,
 * and equals the float matmul of dequantized weights within tolerance. */
static void test_matmul(void **state) {
  (void)state;
  enum { D = 67, N = 96, NX = 5 };
  float w[D * N], x[NX * N], y[NX * D], wd[D * N], ref[D];
  unsigned char wq[D * N / 32 * 34];
  int8_t xq[NX * N];
  float xd[NX * N / 32];
  int32_t xs[NX * N / 32];
  es_pool *pool = pool_new(3);
  assert_non_null(pool);
  for (int t = 0; t < 2; t++) {
    for (int i = 0; i < D * N; i++)
      w[i] = frand();
    for (int i = 0; i < NX * N; i++)
      x[i] = frand();
    qt_quantize(types[t], w, wq, D * N);
    qt_dequantize(types[t], wq, wd, D * N);
    for (int b = 0; b < NX; b++)
      qa_quantize(x + b * N, xq + b * N, xd + b * N / 32, xs + b * N / 32, N);
    qt_tensor W = {types[t], D, N, wq};
    mm_ctx c = {pool, dot_detect()};
    mm_task task = {&W, xq, xd, xs, y, NX};
    mm_run(&c, &task, 1);
    size_t rb = qt_row_bytes(types[t], N);
    for (int b = 0; b < NX; b++) {
      mm_f32(wd, x + b * N, ref, D, N);
      for (int i = 0; i < D; i++) {
        qa_row xr = {xq + b * N, xd + b * N / 32, xs + b * N / 32};
        float one = dot_get(types[t], DOT_PORTABLE)(wq + i * rb, xr, N / 32);
        assert_true(y[b * D + i] == one);
        assert_true(fabsf(y[b * D + i] - ref[i]) < 0.05f); /* 8-bit activations, |y| ~ 3 */
      }
    }
  }
  pool_free(pool);
}

/* Two tasks in one run, large enough that each thread's range is claimed in
 * several chunks and the ranges are finished by whichever thread gets there
 * (3 threads on any number of cores): every output equals the portable dot,
 * on every one of many runs. */
static void test_matmul_chunks(void **state) {
  (void)state;
  enum { D0 = 700, D1 = 300, N = 256, RUNS = 40 };
  static float w[(D0 + D1) * N], x[N], y[D0 + D1];
  static unsigned char wq[(D0 + D1) * N / 32 * 34];
  static qbuf qb;
  es_pool *pool = pool_new(3);
  assert_non_null(pool);
  for (int t = 0; t < 2; t++) {
    for (int i = 0; i < (D0 + D1) * N; i++)
      w[i] = frand();
    for (int i = 0; i < N; i++)
      x[i] = frand();
    qt_quantize(types[t], w, wq, (D0 + D1) * N);
    qa_row xr = quant_row(x, &qb, N);
    size_t rb = qt_row_bytes(types[t], N);
    qt_tensor W0 = {types[t], D0, N, wq}, W1 = {types[t], D1, N, wq + D0 * rb};
    mm_ctx c = {pool, dot_detect()};
    mm_task tasks[2] = {{&W0, qb.qs, qb.d, qb.s, y, 1}, {&W1, qb.qs, qb.d, qb.s, y + D0, 1}};
    for (int run = 0; run < RUNS; run++) {
      for (int i = 0; i < D0 + D1; i++)
        y[i] = NAN;
      mm_run(&c, tasks, 2);
      for (int i = 0; i < D0 + D1; i++)
        assert_true(y[i] == dot_get(types[t], DOT_PORTABLE)(wq + i * rb, xr, N / 32));
    }
  }
  pool_free(pool);
}

/* ------------------------------------------------ float reference forward */

typedef struct {
  float *wq, *wk, *wv, *wo, *w1, *w2, *w3;
} ref_layer;

static float *deq(const qt_tensor *t) {
  float *f = malloc((size_t)t->rows * t->cols * sizeof *f);
  qt_dequantize(t->type, t->data, f, t->rows * t->cols);
  return f;
}

/* Unquantized-activation forward of `n` tokens of one sequence, one at a
 * time; returns logits (vocab,) of the last one (caller frees). */
static float *ref_forward(const lm_model *m, const int *tok, int n) {
  const lm_shape *s = &m->shape;
  int d = s->dim, kv = shape_kv_dim(s), hd = shape_head_dim(s), h = s->hidden_dim;
  int group = s->n_heads / s->n_kv_heads, L = m->n_layers;
  ref_layer *R = calloc((size_t)L, sizeof *R);
  for (int l = 0; l < L; l++) {
    const lm_layer *ly = &m->layers[l];
    R[l] = (ref_layer){deq(&ly->wq), deq(&ly->wk), deq(&ly->wv), deq(&ly->wo),
                       deq(&ly->w1), deq(&ly->w2), deq(&ly->w3)};
  }
  float *emb = deq(&m->emb), *cls = deq(&m->cls);
  float *kc = calloc((size_t)L * n * kv, 4), *vc = calloc((size_t)L * n * kv, 4);
  float *x = calloc(d, 4), *xb = calloc(d, 4), *q = calloc(d, 4), *o = calloc(d, 4);
  float *a = calloc(h, 4), *b3 = calloc(h, 4), *att = calloc(n, 4), *logits = calloc(s->vocab, 4);
  for (int p = 0; p < n; p++) {
    memcpy(x, emb + (size_t)tok[p] * d, d * sizeof *x);
    for (int l = 0; l < L; l++) {
      const lm_layer *ly = &m->layers[l];
      float *k = kc + ((size_t)l * n + p) * kv, *v = vc + ((size_t)l * n + p) * kv;
      op_rmsnorm(xb, x, ly->att_norm, d, s->norm_eps);
      mm_f32(R[l].wq, xb, q, d, d);
      mm_f32(R[l].wk, xb, k, kv, d);
      mm_f32(R[l].wv, xb, v, kv, d);
      for (int i = 0; i < d; i++)
        q[i] += ly->bq[i];
      for (int i = 0; i < kv; i++) {
        k[i] += ly->bk[i];
        v[i] += ly->bv[i];
      }
      op_rope(q, s->n_heads, hd, p, s->rope_theta);
      op_rope(k, s->n_kv_heads, hd, p, s->rope_theta);
      for (int hh = 0; hh < s->n_heads; hh++) {
        int off = hh / group * hd;
        for (int t = 0; t <= p; t++) {
          double dot = 0;
          for (int i = 0; i < hd; i++)
            dot += q[hh * hd + i] * kc[((size_t)l * n + t) * kv + off + i];
          att[t] = (float)(dot / sqrt(hd));
        }
        op_softmax(att, p + 1);
        for (int i = 0; i < hd; i++) {
          double acc = 0;
          for (int t = 0; t <= p; t++)
            acc += att[t] * vc[((size_t)l * n + t) * kv + off + i];
          o[hh * hd + i] = (float)acc;
        }
      }
      mm_f32(R[l].wo, o, xb, d, d);
      op_add(x, xb, d);
      op_rmsnorm(xb, x, ly->ffn_norm, d, s->norm_eps);
      mm_f32(R[l].w1, xb, a, h, d);
      mm_f32(R[l].w3, xb, b3, h, d);
      op_swiglu(a, b3, h);
      mm_f32(R[l].w2, a, xb, d, h);
      op_add(x, xb, d);
    }
  }
  op_rmsnorm(xb, x, m->final_norm, d, s->norm_eps);
  mm_f32(cls, xb, logits, s->vocab, d);
  for (int l = 0; l < L; l++) {
    free(R[l].wq);
    free(R[l].wk);
    free(R[l].wv);
    free(R[l].wo);
    free(R[l].w1);
    free(R[l].w2);
    free(R[l].w3);
  }
  free(R);
  free(emb);
  free(cls);
  free(kc);
  free(vc);
  free(x);
  free(xb);
  free(q);
  free(o);
  free(a);
  free(b3);
  free(att);
  return logits;
}

static void load_tiny(lm_shape *s) {
  char err[256];
  int rc = shape_load("models/lm/tiny.json", s, err, sizeof err);
  if (rc)
    fprintf(stderr, "%s\n", err);
  assert_int_equal(rc, 0);
}

enum { P = 12, V = 256 };
static const int prompt[P] = {1, 17, 200, 3, 3, 99, 42, 7, 255, 0, 128, 64};

/* Logits of the last prompt token after a prefill of all P tokens. */
static void prefill(const lm_model *m, int threads, dot_level lvl, float *out) {
  lm_state st;
  int pos[P], seq[P] = {0};
  for (int i = 0; i < P; i++)
    pos[i] = i;
  es_pool *pool = pool_new(threads);
  mm_ctx c = {pool, lvl};
  assert_int_equal(state_init(&st, m, P, 1, 32), 0);
  memcpy(out, model_forward(m, &st, &c, prompt, pos, seq, P, 0), V * sizeof *out);
  state_destroy(&st);
  pool_free(pool);
}

static void test_forward(void **state) {
  (void)state;
  lm_shape s;
  load_tiny(&s);
  assert_int_equal(s.vocab, V);
  for (int t = 0; t < 2; t++) {
    lm_model m, m2;
    float a[V], b[V], c[V];
    assert_int_equal(model_init(&m, &s, types[t], 0, 7), 0);
    assert_int_equal(model_init(&m2, &s, types[t], 0, 7), 0);
    prefill(&m, 1, DOT_PORTABLE, a);
    prefill(&m2, 2, dot_detect(), b); /* other model copy, threads, SIMD */
    assert_memory_equal(a, b, sizeof a);

    /* token-by-token decode reaches the same logits bit for bit */
    lm_state st;
    es_pool *pool = pool_new(1);
    mm_ctx cx = {pool, DOT_PORTABLE};
    assert_int_equal(state_init(&st, &m, 1, 1, 32), 0);
    for (int p = 0; p < P; p++) {
      int seq = 0;
      memcpy(c, model_forward(&m, &st, &cx, &prompt[p], &p, &seq, 1, 0), sizeof c);
    }
    assert_memory_equal(a, c, sizeof a);
    state_destroy(&st);
    pool_free(pool);

    /* float reference: same weights, unquantized activations */
    float *ref = ref_forward(&m, prompt, P);
    double num = 0, den = 0;
    for (int i = 0; i < V; i++) {
      num += (a[i] - ref[i]) * (double)(a[i] - ref[i]);
      den += (double)ref[i] * ref[i];
    }
    printf("  %s: relative rms error of logits vs float reference %.4f\n", qt_name(types[t]),
           sqrt(num / den));
    assert_true(sqrt(num / den) < 0.03);
    assert_int_equal(op_argmax(a, V), op_argmax(ref, V));
    free(ref);
    model_destroy(&m);
    model_destroy(&m2);
  }
}

/* Three sequences decoded together equal each decoded alone. */
static void test_batch_decode(void **state) {
  (void)state;
  lm_shape s;
  load_tiny(&s);
  lm_model m;
  assert_int_equal(model_init(&m, &s, QT_Q4_0, 0, 3), 0);
  es_pool *pool = pool_new(2);
  mm_ctx c = {pool, dot_detect()};
  lm_state all, one;
  assert_int_equal(state_init(&all, &m, 3, 3, 8), 0);
  assert_int_equal(state_init(&one, &m, 1, 1, 8), 0);
  int tok[3] = {5, 6, 7}, pos[3], seq[3] = {0, 1, 2};
  static float together[8][3][V];
  for (int p = 0; p < 8; p++) {
    pos[0] = pos[1] = pos[2] = p;
    memcpy(together[p], model_forward(&m, &all, &c, tok, pos, seq, 3, 1), sizeof together[p]);
    for (int b = 0; b < 3; b++)
      tok[b] = op_argmax(together[p][b], V);
  }
  for (int b = 0; b < 3; b++) {
    int t = 5 + b, z = 0;
    memset(one.kcache, 0, 8 * (size_t)m.n_layers * shape_kv_dim(&s) * sizeof(float));
    for (int p = 0; p < 8; p++) {
      const float *lg = model_forward(&m, &one, &c, &t, &p, &z, 1, 1);
      assert_memory_equal(lg, together[p][b], V * sizeof *lg);
      t = op_argmax(lg, V);
    }
  }
  state_destroy(&all);
  state_destroy(&one);
  pool_free(pool);
  model_destroy(&m);
}

static void test_shape_counts(void **state) {
  (void)state;
  char err[256];
  lm_shape s;
  assert_int_equal(shape_load("models/lm/qwen2.5-0.5b.json", &s, err, sizeof err), 0);
  /* 24 x (896*896*2 + 2*896*128 + 3*896*4864) + 151936*896 = 493,961,216 */
  assert_true(shape_params(&s) == 493961216.0);
  assert_int_equal(shape_kv_dim(&s), 128);
  assert_int_equal(shape_load("models/lm/qwen2.5-7b.json", &s, err, sizeof err), 0);
  /* 28 x (2*3584^2 + 2*3584*512 + 3*3584*18944) + 2*152064*3584 = 7,615,283,200 */
  assert_true(shape_params(&s) == 7615283200.0);
  assert_int_equal(shape_load("models/lm/nonexistent.json", &s, err, sizeof err), -1);
  assert_string_equal(err, "models/lm/nonexistent.json: cannot open: No such file or directory");
  /* shape files are read as strictly as scenarios: RFC 8259, line:column */
  FILE *f = fopen("/tmp/edgesim-test-shape.json", "w");
  assert_non_null(f);
  fputs("{\"dim\": 896,\n \"layers\": 024}\n", f);
  fclose(f);
  assert_int_equal(shape_load("/tmp/edgesim-test-shape.json", &s, err, sizeof err), -1);
  assert_string_equal(err, "/tmp/edgesim-test-shape.json:2:12: JSON syntax error: malformed "
                           "number (no leading zeros), got '024}'");
  remove("/tmp/edgesim-test-shape.json");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dot_vs_float),         cmocka_unit_test(test_simd_equals_portable),
      cmocka_unit_test(test_dotn_equals_portable), cmocka_unit_test(test_matmul),
      cmocka_unit_test(test_matmul_chunks),        cmocka_unit_test(test_forward),
      cmocka_unit_test(test_batch_decode),         cmocka_unit_test(test_shape_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
