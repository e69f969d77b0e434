/* dot.h: dot products of one quantized weight row with one QA activation row,
 * in a portable C version and SIMD versions selected at run time.
 *
 * Every version returns bit-identical results: the per-block sums are exact
 * int32, and the float work is done in one fixed order. Block b's product
 * (float)sum_b * (d_w * d_x) is added to accumulator lane b % 8, and the eight
 * lanes are reduced as ((a0+a4)+(a2+a6)) + ((a1+a5)+(a3+a7)), which is the
 * order an 8-wide register reduction produces; lanes past the last block of
 * a partial group get +0. No fused multiply-adds. */
#ifndef ES_DOT_H
#define ES_DOT_H

#include "quant.h"

typedef enum { DOT_PORTABLE = 0, DOT_AVX2 = 1, DOT_VNNI = 2 } dot_level;

/* W row (nb blocks) . x (nb blocks) -> scalar */
typedef float (*dot_fn)(const void *w, qa_row x, int nb);

dot_level dot_detect(void);     /* best level this CPU supports */
int dot_supported(dot_level l); /* 1 if this CPU can run level l */
const char *dot_level_name(dot_level l);
dot_fn dot_get(qt_type t, dot_level l); /* l must be supported */

/* W rows 0..nrows-1 (row_bytes apart, nb blocks each) . x -> y (nrows,);
 * y[r] is bit-identical to dot(row r, x, nb). A multi-row kernel loads each
 * activation block once for several rows. */
typedef void (*dotn_fn)(const void *w, size_t row_bytes, qa_row x, int nb, int nrows, float *y);
dotn_fn dotn_get(qt_type t, dot_level l); /* NULL: no multi-row kernel, call dot per row */

/* Portable reference versions (also used by the dispatch). */
float dot_q8_0_c(const void *w, qa_row x, int nb);
float dot_q4_0_c(const void *w, qa_row x, int nb);
/* x86 versions; defined only on x86 builds (dot_x86.c). */
float dot_q8_0_avx2(const void *w, qa_row x, int nb);
float dot_q4_0_avx2(const void *w, qa_row x, int nb);
float dot_q8_0_vnni(const void *w, qa_row x, int nb);
float dot_q4_0_vnni(const void *w, qa_row x, int nb);
void dotn_q4_0_vnni(const void *w, size_t row_bytes, qa_row x, int nb, int nrows, float *y);
void dotn_q4_0_vbmi(const void *w, size_t row_bytes, qa_row x, int nb, int nrows,
                    float *y); /* + AVX512-VBMI */

/* The fixed final reduction; SIMD versions do the same additions in registers. */
static inline float dot_reduce8(const float a[8]) {
  float s04 = a[0] + a[4], s15 = a[1] + a[5];
  float s26 = a[2] + a[6], s37 = a[3] + a[7];
  float e = s04 + s26, o = s15 + s37;
  return e + o;
}

#endif
