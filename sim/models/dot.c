/* dot.c: portable block dot products and run-time selection. */
#include "dot.h"

#include <stddef.h>

#if defined(__x86_64__) || defined(__i386__)
#define DOT_X86 1
#else
#define DOT_X86 0
#endif

float dot_q8_0_c(const void *wv, qa_row x, int nb) {
  const block_q8_0 *w = wv;
  float acc[8] = {0};
  for (int b = 0; b < nb; b++) {
    int32_t s = 0;
    for (int j = 0; j < QK; j++)
      s += (int32_t)w[b].qs[j] * x.qs[b * QK + j];
    float sc = qt_f16_to_f32(w[b].d) * x.d[b];
    float p = (float)s * sc;
    acc[b & 7] += p;
  }
  for (int b = nb; b & 7; b++)
    acc[b & 7] += 0.0f; /* as the SIMD tail does */
  return dot_reduce8(acc);
}

float dot_q4_0_c(const void *wv, qa_row x, int nb) {
  const block_q4_0 *w = wv;
  float acc[8] = {0};
  for (int b = 0; b < nb; b++) {
    int32_t s = 0;
    for (int j = 0; j < QK / 2; j++) {
      s += ((w[b].qs[j] & 0x0f) - 8) * (int32_t)x.qs[b * QK + j];
      s += ((w[b].qs[j] >> 4) - 8) * (int32_t)x.qs[b * QK + j + QK / 2];
    }
    float sc = qt_f16_to_f32(w[b].d) * x.d[b];
    float p = (float)s * sc;
    acc[b & 7] += p;
  }
  for (int b = nb; b & 7; b++)
    acc[b & 7] += 0.0f; /* as the SIMD tail does */
  return dot_reduce8(acc);
}

#if DOT_X86
#include <cpuid.h>

/* F16C from CPUID leaf 1, ECX bit 29 (clang's __builtin_cpu_supports does
 * not know the name "f16c"). */
static int has_f16c(void) {
  unsigned a, b, c, d;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 29));
}
#endif

int dot_supported(dot_level l) {
  if (l == DOT_PORTABLE)
    return 1;
#if DOT_X86
  __builtin_cpu_init();
  int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
  if (l == DOT_AVX2)
    return avx2;
  if (l == DOT_VNNI)
    return avx2 && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw");
#endif
  return 0;
}

dot_level dot_detect(void) {
  if (dot_supported(DOT_VNNI))
    return DOT_VNNI;
  if (dot_supported(DOT_AVX2))
    return DOT_AVX2;
  return DOT_PORTABLE;
}

const char *dot_level_name(dot_level l) {
  static const char *names[] = {"portable", "avx2", "avx512vnni"};
  return names[l];
}

dot_fn dot_get(qt_type t, dot_level l) {
#if DOT_X86
  if (l == DOT_VNNI)
    return t == QT_Q8_0 ? dot_q8_0_vnni : dot_q4_0_vnni;
  if (l == DOT_AVX2)
    return t == QT_Q8_0 ? dot_q8_0_avx2 : dot_q4_0_avx2;
#else
  (void)l;
#endif
  return t == QT_Q8_0 ? dot_q8_0_c : dot_q4_0_c;
}

dotn_fn dotn_get(qt_type t, dot_level l) {
#if DOT_X86
  if (l == DOT_VNNI && t == QT_Q4_0) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vbmi") ? dotn_q4_0_vbmi : dotn_q4_0_vnni;
  }
#else
  (void)t;
  (void)l;
#endif
  return NULL;
}
