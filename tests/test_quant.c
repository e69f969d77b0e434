/* test_quant.c: fp16 conversion and block round-trip error bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "quant.h"

static uint64_t rng = 12345;
static float frand(void) { /* uniform [-1, 1) */
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (float)(rng >> 40) / 8388608.0f - 1.0f;
}

static void test_sizes(void **state) {
  (void)state;
  assert_int_equal(sizeof(block_q8_0), 34); /* 8.5 bits per weight */
  assert_int_equal(sizeof(block_q4_0), 18); /* 4.5 bits per weight */
  assert_int_equal(qt_row_bytes(QT_Q8_0, 64), 68);
  assert_int_equal(qt_row_bytes(QT_Q4_0, 64), 36);
}

static void test_f16(void **state) {
  (void)state;
  for (uint32_t h = 0; h < 0x10000u; h++) { /* every finite half survives */
    if ((h & 0x7c00u) == 0x7c00u)
      continue;
    assert_int_equal(qt_f32_to_f16(qt_f16_to_f32((uint16_t)h)), h);
  }
  assert_int_equal(qt_f32_to_f16(1.0f), 0x3c00);
  assert_int_equal(qt_f32_to_f16(-2.0f), 0xc000);
  assert_int_equal(qt_f32_to_f16(65504.0f), 0x7bff);
  assert_int_equal(qt_f32_to_f16(1e6f), 0x7c00);
  assert_int_equal(qt_f32_to_f16(0.1f), 0x2e66);               /* 0.0999755859375 */
  assert_int_equal(qt_f32_to_f16(1.0f + 1.0f / 2048), 0x3c00); /* tie -> even */
  assert_int_equal(qt_f32_to_f16(1.0f + 3.0f / 2048), 0x3c02); /* tie -> even */
  assert_true(qt_f16_to_f32(0x0001) == ldexpf(1.0f, -24));
}

/* Every value is within d/2 of the original (plus float rounding), d being
 * the block's stored scale: the bound quant.h promises. */
static void check_roundtrip(qt_type t) {
  enum { N = 32 * 64 };
  static float x[N], y[N];
  static unsigned char buf[N / 32 * 34];
  for (int i = 0; i < N; i++)
    x[i] = frand() * powf(10.0f, (float)(i / 32 % 7) - 3.0f);
  qt_quantize(t, x, buf, N);
  qt_dequantize(t, buf, y, N);
  for (int b = 0; b < N / 32; b++) {
    uint16_t dh = t == QT_Q8_0 ? ((block_q8_0 *)buf)[b].d : ((block_q4_0 *)buf)[b].d;
    float d = qt_f16_to_f32(dh), amax = 0.0f;
    for (int j = 0; j < 32; j++)
      amax = fmaxf(amax, fabsf(x[b * 32 + j]));
    assert_true(d > 0.0f);
    if (d >= 6.103515625e-05f) /* normal fp16: scale within 2^-11 relative */
      assert_true(fabsf(d * (t == QT_Q8_0 ? 127 : 7) - amax) <= amax * 1e-3f);
    for (int j = 0; j < 32; j++) {
      float e = fabsf(x[b * 32 + j] - y[b * 32 + j]);
      assert_true(e <= 0.5f * d * (1.0f + 1e-5f) + 1e-6f * amax);
    }
  }
}

static void test_q8_0_roundtrip(void **state) {
  (void)state;
  check_roundtrip(QT_Q8_0);
}
static void test_q4_0_roundtrip(void **state) {
  (void)state;
  check_roundtrip(QT_Q4_0);
}

static void test_zero_block(void **state) {
  (void)state;
  float x[64] = {0}, y[64];
  block_q8_0 q8[2];
  block_q4_0 q4[2];
  int8_t qs[64];
  float qd[2];
  int32_t qsum[2];
  x[40] = 3.0f; /* second block non-zero, first all zero */
  qt_quantize(QT_Q8_0, x, q8, 64);
  qt_quantize(QT_Q4_0, x, q4, 64);
  qa_quantize(x, qs, qd, qsum, 64);
  assert_int_equal(q8[0].d, 0);
  assert_int_equal(q4[0].d, 0);
  assert_true(qd[0] == 0.0f);
  assert_int_equal(qsum[0], 0);
  assert_int_equal(qsum[1], 127); /* the one non-zero value is the block max */
  for (int j = 0; j < 32; j++)
    assert_int_equal(q8[0].qs[j], 0);
  for (int j = 0; j < 16; j++)
    assert_int_equal(q4[0].qs[j], 0x88); /* code 0 */
  for (int j = 0; j < 32; j++)
    assert_int_equal(qs[j], 0);
  qt_dequantize(QT_Q4_0, q4, y, 64);
  for (int j = 0; j < 32; j++)
    assert_true(y[j] == 0.0f);
  assert_true(fabsf(y[40] - 3.0f) < 3e-3f);
}

static void test_qa_roundtrip(void **state) {
  (void)state;
  enum { N = 32 * 16 };
  float x[N], d[N / 32];
  int8_t qs[N];
  int32_t s[N / 32] = {0}, sum[N / 32] = {0};
  for (int i = 0; i < N; i++)
    x[i] = 5.0f * frand();
  qa_quantize(x, qs, d, s, N);
  for (int i = 0; i < N; i++) {
    float di = d[i / 32];
    sum[i / 32] += qs[i];
    assert_true(abs(qs[i]) <= 127);
    assert_true(fabsf(di * qs[i] - x[i]) <= 0.5f * di * (1.0f + 1e-5f));
  }
  for (int b = 0; b < N / 32; b++)
    assert_int_equal(s[b], sum[b]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),          cmocka_unit_test(test_f16),
      cmocka_unit_test(test_q8_0_roundtrip), cmocka_unit_test(test_q4_0_roundtrip),
      cmocka_unit_test(test_zero_block),     cmocka_unit_test(test_qa_roundtrip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
