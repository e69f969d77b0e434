/* quant.c: Q8_0 / Q4_0 weight blocks and QA activation blocks.
 * Rounding is done in portable C only, so every SIMD dot product sees the
 * same codes as the portable one. */
#include "quant.h"

#include <math.h>
#include <string.h>

float qt_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  float f;
  if (exp == 0) { /* zero or subnormal: man * 2^-24, exact */
    f = ldexpf((float)man, -24);
    return sign ? -f : f;
  }
  uint32_t bits =
      exp == 31 ? sign | 0x7f800000u | (man << 13) : sign | ((exp + 112u) << 23) | (man << 13);
  memcpy(&f, &bits, sizeof f);
  return f;
}

uint16_t qt_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  float a = fabsf(f);
  if (isnan(f))
    return sign | 0x7e00u;
  if (a >= 65520.0f)
    return sign | 0x7c00u;    /* rounds to inf */
  if (a < 6.103515625e-05f) { /* subnormal half */
    /* nearbyintf rounds to nearest even in the default mode */
    return sign | (uint16_t)nearbyintf(a * 16777216.0f);
  }
  uint32_t ax = x & 0x7fffffffu;
  uint32_t man = ax & 0x7fffffu;
  uint32_t exp = (ax >> 23) - 112u; /* half exponent */
  uint32_t h = (exp << 10) | (man >> 13);
  uint32_t rest = man & 0x1fffu; /* dropped bits */
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
    h++;
  return sign | (uint16_t)h;
}

size_t qt_block_bytes(qt_type t) { return t == QT_Q8_0 ? sizeof(block_q8_0) : sizeof(block_q4_0); }

size_t qt_row_bytes(qt_type t, int n) { return qt_block_bytes(t) * (size_t)(n / QK); }

const char *qt_name(qt_type t) { return t == QT_Q8_0 ? "q8_0" : "q4_0"; }

int qt_parse(const char *name, qt_type *t) {
  if (strcmp(name, "q8_0") == 0) {
    *t = QT_Q8_0;
    return 0;
  }
  if (strcmp(name, "q4_0") == 0) {
    *t = QT_Q4_0;
    return 0;
  }
  return -1;
}

/* largest |x_j|; NaNs are skipped, as fmaxf would (written out because the
 * libm call is not inlined and decode quantizes every activation row) */
static float absmax(const float *x) {
  float m = 0.0f;
  for (int j = 0; j < QK; j++) {
    float a = fabsf(x[j]);
    m = a > m ? a : m;
  }
  return m;
}

/* Code for x at inverse scale id, clamped to [-lim, lim]: roundf (halves
 * away from zero) done inline; v - (int)v is exact for |v| < 2^23. */
static int code(float x, float id, int lim) {
  float v = x * id;
  if (!(fabsf(v) < 8388608.0f))
    return v > 0.0f ? lim : -lim; /* huge or NaN */
  int q = (int)v;
  float r = v - (float)q;
  q += (r >= 0.5f) - (r <= -0.5f);
  return q > lim ? lim : q < -lim ? -lim : q;
}

/* The scale is rounded to fp16 first and the codes use the rounded scale,
 * so the round-trip error is d/2 per value (plus float rounding). */
static float half_scale(float amax, int lim, uint16_t *h) {
  *h = qt_f32_to_f16(amax / (float)lim);
  return qt_f16_to_f32(*h);
}

static void quantize_q8_0(const float *x, block_q8_0 *y, int n) {
  for (int b = 0; b < n / QK; b++, x += QK) {
    float d = half_scale(absmax(x), 127, &y[b].d);
    float id = d > 0.0f ? 1.0f / d : 0.0f;
    for (int j = 0; j < QK; j++)
      y[b].qs[j] = (int8_t)code(x[j], id, 127);
  }
}

static void quantize_q4_0(const float *x, block_q4_0 *y, int n) {
  for (int b = 0; b < n / QK; b++, x += QK) {
    float d = half_scale(absmax(x), 7, &y[b].d);
    float id = d > 0.0f ? 1.0f / d : 0.0f;
    for (int j = 0; j < QK / 2; j++) {
      int lo = code(x[j], id, 7) + 8, hi = code(x[j + QK / 2], id, 7) + 8;
      y[b].qs[j] = (uint8_t)(lo | (hi << 4));
    }
  }
}

void qt_quantize(qt_type t, const float *x, void *y, int n) {
  if (t == QT_Q8_0)
    quantize_q8_0(x, y, n);
  else
    quantize_q4_0(x, y, n);
}

void qt_dequantize(qt_type t, const void *y, float *x, int n) {
  for (int b = 0; b < n / QK; b++, x += QK) {
    if (t == QT_Q8_0) {
      const block_q8_0 *blk = (const block_q8_0 *)y + b;
      float d = qt_f16_to_f32(blk->d);
      for (int j = 0; j < QK; j++)
        x[j] = d * (float)blk->qs[j];
    } else {
      const block_q4_0 *blk = (const block_q4_0 *)y + b;
      float d = qt_f16_to_f32(blk->d);
      for (int j = 0; j < QK / 2; j++) {
        x[j] = d * (float)((blk->qs[j] & 0x0f) - 8);
        x[j + QK / 2] = d * (float)((blk->qs[j] >> 4) - 8);
      }
    }
  }
}

void qa_quantize(const float *x, int8_t *qs, float *d, int32_t *s, int n) {
  for (int b = 0; b < n / QK; b++, x += QK, qs += QK) {
    d[b] = absmax(x) / 127.0f;
    float id = d[b] > 0.0f ? 1.0f / d[b] : 0.0f;
    s[b] = 0;
    for (int j = 0; j < QK; j++) {
      qs[j] = (int8_t)code(x[j], id, 127);
      s[b] += qs[j];
    }
  }
}
