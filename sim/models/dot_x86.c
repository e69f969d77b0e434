/* dot_x86.c: AVX2 and AVX-512 VNNI block dot products.
 *
 * Each function is compiled for its own target with __attribute__((target))
 * and only called after dot_supported() said yes. Per block, 32 codes give
 * eight int32 partial sums from u8 x s8 products, so nothing saturates:
 * q8_0 uses abs(w) times sign(x, w) (pairs <= 2 * 127 * 127 = 32258); q4_0
 * uses its unsigned codes c = w + 8 (pairs <= 2 * 15 * 127) and subtracts
 * 8 * sum(x) per block afterwards, which is exact integer arithmetic.
 * Eight blocks' partial sums are folded by hadd into one vector of eight
 * exact block sums, lane k holding block g+k, which is then scaled and added
 * lane-wise: the order documented in dot.h. Groups are unrolled so the eight
 * partial-sum vectors stay in registers. The tail group (of 4 when it can,
 * else 8) re-reads its last block into the missing lanes and masks them to
 * sum 0 and scale 0, which adds +0 to those lanes, as the portable code does. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "dot.h"

/* Names end in the target suffix S (avx2 or vnni); ATTR_##S is its attribute. */
#define ATTR_avx2 __attribute__((target("avx2,fma,f16c")))
#define ATTR_vnni __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512vnni")))
#define INL static inline __attribute__((always_inline))

/* ------------------------------------------------ per-block partial sums */

/* q8_0 block -> its 32 signed codes */
#define Q8_CODES(T)                                                                                \
  ATTR_##T INL __m256i q8_0_codes_##T(const block_q8_0 *b) {                                       \
    return _mm256_loadu_si256((const __m256i *)b->qs);                                             \
  }

/* q4_0 block -> 32 unsigned codes 0..15 (value + 8): values 0..15, then
 * 16..31. The 16 bytes are loaded into both halves; the high half is shifted
 * right by 4 as 64-bit lanes, and the mask keeps each byte's own nibble. */
#define Q4_CODES(T)                                                                                \
  ATTR_##T INL __m256i q4_0_codes_##T(const block_q4_0 *b) {                                       \
    __m256i both = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)b->qs));           \
    both = _mm256_srlv_epi64(both, _mm256_setr_epi64x(0, 0, 4, 4));                                \
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));                                         \
  }
Q8_CODES(avx2)
Q8_CODES(vnni)
Q4_CODES(avx2)
Q4_CODES(vnni)

/* signed codes w (q8_0) . 32 activation codes at xq */
ATTR_avx2 INL __m256i sum_q8_0_avx2(__m256i w, const int8_t *xq) {
  __m256i x = _mm256_loadu_si256((const __m256i *)xq);
  __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
  return _mm256_madd_epi16(p16, _mm256_set1_epi16(1));
}

ATTR_vnni INL __m256i sum_q8_0_vnni(__m256i w, const int8_t *xq) {
  __m256i x = _mm256_loadu_si256((const __m256i *)xq);
  return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w),
                             _mm256_sign_epi8(x, w));
}

/* unsigned codes w (q4_0) . 32 activation codes at xq */
ATTR_avx2 INL __m256i sum_q4_0_avx2(__m256i w, const int8_t *xq) {
  __m256i x = _mm256_loadu_si256((const __m256i *)xq);
  return _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), _mm256_set1_epi16(1));
}

ATTR_vnni INL __m256i sum_q4_0_vnni(__m256i w, const int8_t *xq) {
  __m256i x = _mm256_loadu_si256((const __m256i *)xq);
  return _mm256_dpbusd_epi32(_mm256_setzero_si256(), w, x);
}

/* eight block sums of codes -> of values: q8_0 as is, q4_0 minus 8 * sum(x) */
#define FIX_q8_0(s, xs) ((void)(xs), (s))
#define FIX_q4_0(s, xs) _mm256_sub_epi32(s, _mm256_slli_epi32(xs, 3))

/* ------------------------------------------------------- shared skeleton */

/* v0..v7 (eight int32 each) -> lane k = sum of vk's lanes */
#define FOLD8(T)                                                                                   \
  ATTR_##T INL __m256i fold8_##T(__m256i v0, __m256i v1, __m256i v2, __m256i v3, __m256i v4,       \
                                 __m256i v5, __m256i v6, __m256i v7) {                             \
    __m256i u0 = _mm256_hadd_epi32(_mm256_hadd_epi32(v0, v1), _mm256_hadd_epi32(v2, v3));          \
    __m256i u1 = _mm256_hadd_epi32(_mm256_hadd_epi32(v4, v5), _mm256_hadd_epi32(v6, v7));          \
    return _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20),                               \
                            _mm256_permute2x128_si256(u0, u1, 0x31));                              \
  }
FOLD8(avx2)
FOLD8(vnni)

/* v0..v3 -> lanes 0..3 as fold8, lanes 4..7 zero (a tail of <= 4 blocks) */
#define FOLD4(T)                                                                                   \
  ATTR_##T INL __m256i fold4_##T(__m256i v0, __m256i v1, __m256i v2, __m256i v3) {                 \
    __m256i u = _mm256_hadd_epi32(_mm256_hadd_epi32(v0, v1), _mm256_hadd_epi32(v2, v3));           \
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(u), _mm256_extracti128_si256(u, 1));          \
    return _mm256_inserti128_si256(_mm256_setzero_si256(), s, 0);                                  \
  }
FOLD4(avx2)
FOLD4(vnni)

/* fp16 scales of the blocks at w[i0..i7] -> eight floats */
#define WSCALES(T, WT)                                                                             \
  ATTR_##T INL __m256 wscales_##T##WT(const WT *w, int i0, int i1, int i2, int i3, int i4, int i5, \
                                      int i6, int i7) {                                            \
    return _mm256_cvtph_ps(_mm_set_epi16((short)w[i7].d, (short)w[i6].d, (short)w[i5].d,           \
                                         (short)w[i4].d, (short)w[i3].d, (short)w[i2].d,           \
                                         (short)w[i1].d, (short)w[i0].d));                         \
  }
WSCALES(avx2, block_q8_0)
WSCALES(avx2, block_q4_0)
WSCALES(vnni, block_q8_0)
WSCALES(vnni, block_q4_0)

/* acc += (float)sums * (dw * dx) */
#define ACC(T)                                                                                     \
  ATTR_##T INL __m256 acc_##T(__m256 acc, __m256i sums, __m256 dw, __m256 dx) {                    \
    return _mm256_add_ps(acc, _mm256_mul_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(dw, dx)));     \
  }
ACC(avx2)
ACC(vnni)

/* dot_reduce8's order in registers: (a0+a4, a1+a5, a2+a6, a3+a7), then
 * (s04+s26, s15+s37), then their sum (IEEE addition commutes exactly). */
#define REDUCE8(T)                                                                                 \
  ATTR_##T INL float reduce8_##T(__m256 acc) {                                                     \
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));             \
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));                                                        \
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));                                  \
  }
REDUCE8(avx2)
REDUCE8(vnni)

#define SUM(F, T, i) sum_##F##_##T(F##_codes_##T(w + (i)), x.qs + (size_t)(i)*QK)

/* the last m < 8 blocks (not the 4-block case): the missing lanes re-read
 * block nb-1 and are masked to sum 0 and scale 0 */
#define TAILFN(F, T)                                                                               \
  ATTR_##T INL __m256 tail_##F##_##T(const block_##F *w, qa_row x, int g, int nb, __m256 acc) {    \
    int i[8], m = nb - g;                                                                          \
    for (int k = 0; k < 8; k++)                                                                    \
      i[k] = g + (k < m ? k : m - 1);                                                              \
    __m256i keep =                                                                                 \
        _mm256_cmpgt_epi32(_mm256_set1_epi32(m), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));       \
    __m256i s =                                                                                    \
        m <= 4 ? fold4_##T(SUM(F, T, i[0]), SUM(F, T, i[1]), SUM(F, T, i[2]), SUM(F, T, i[3]))     \
               : fold8_##T(SUM(F, T, i[0]), SUM(F, T, i[1]), SUM(F, T, i[2]), SUM(F, T, i[3]),     \
                           SUM(F, T, i[4]), SUM(F, T, i[5]), SUM(F, T, i[6]), SUM(F, T, i[7]));    \
    __m256i xs = _mm256_setr_epi32(x.s[i[0]], x.s[i[1]], x.s[i[2]], x.s[i[3]], x.s[i[4]],          \
                                   x.s[i[5]], x.s[i[6]], x.s[i[7]]);                               \
    s = _mm256_and_si256(FIX_##F(s, xs), keep);                                                    \
    __m256 dw = wscales_##T##block_##F(w, i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7]);         \
    __m256 dx = _mm256_setr_ps(x.d[i[0]], x.d[i[1]], x.d[i[2]], x.d[i[3]], x.d[i[4]], x.d[i[5]],   \
                               x.d[i[6]], x.d[i[7]]);                                              \
    acc = acc_##T(acc, s, _mm256_and_ps(dw, _mm256_castsi256_ps(keep)), dx);                       \
    return acc;                                                                                    \
  }
TAILFN(q8_0, avx2)
TAILFN(q4_0, avx2)
TAILFN(q8_0, vnni)
TAILFN(q4_0, vnni)

#define DOT(F, T)                                                                                  \
  ATTR_##T float dot_##F##_##T(const void *wv, qa_row x, int nb) {                                 \
    const block_##F *w = wv;                                                                       \
    __m256 acc = _mm256_setzero_ps();                                                              \
    int g = 0;                                                                                     \
    for (; g + 8 <= nb; g += 8) {                                                                  \
      __m256i s =                                                                                  \
          fold8_##T(SUM(F, T, g), SUM(F, T, g + 1), SUM(F, T, g + 2), SUM(F, T, g + 3),            \
                    SUM(F, T, g + 4), SUM(F, T, g + 5), SUM(F, T, g + 6), SUM(F, T, g + 7));       \
      s = FIX_##F(s, _mm256_loadu_si256((const __m256i *)(x.s + g)));                              \
      __m256 dw = wscales_##T##block_##F(w, g, g + 1, g + 2, g + 3, g + 4, g + 5, g + 6, g + 7);   \
      acc = acc_##T(acc, s, dw, _mm256_loadu_ps(x.d + g));                                         \
    }                                                                                              \
    if (nb - g == 4) { /* 4-block tail (896-wide rows): lanes 4..7 get 0 * 0 */                    \
      __m256i s = fold4_##T(SUM(F, T, g), SUM(F, T, g + 1), SUM(F, T, g + 2), SUM(F, T, g + 3));   \
      __m256i xs = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)(x.s + g)));            \
      __m256 dw = _mm256_cvtph_ps(_mm_set_epi16(0, 0, 0, 0, (short)w[g + 3].d, (short)w[g + 2].d,  \
                                                (short)w[g + 1].d, (short)w[g].d));                \
      __m256 dx = _mm256_zextps128_ps256(_mm_loadu_ps(x.d + g));                                   \
      acc = acc_##T(acc, FIX_##F(s, xs), dw, dx);                                                  \
    } else if (g < nb) {                                                                           \
      acc = tail_##F##_##T(w, x, g, nb, acc);                                                      \
    }                                                                                              \
    return reduce8_##T(acc);                                                                       \
  }

DOT(q8_0, avx2)
DOT(q4_0, avx2)
DOT(q8_0, vnni)

/* ------------------------------------------- q4_0 with 512-bit VNNI */

/* The same sums and the same float order as DOT(q4_0, vnni), with two
 * blocks per 512-bit vpdpbusd: per group of eight blocks, four dpbusd, a
 * fold of 4 x 16 lanes in 11 instructions instead of 8 hadd, and the eight
 * fp16 scales picked out of the group's first 128 bytes by one vpermt2w
 * instead of eight word inserts. */
#define ATTR_z __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))

/* blocks b[0], b[1] -> 64 codes in activation order: b[0]'s values 0..15
 * and 16..31, then b[1]'s. Each 16 code bytes go to two 128-bit lanes; the
 * first keeps the low nibbles (the codes), the second the high nibbles in
 * place (16 x the codes), which fold8z divides out once per eight blocks
 * instead of shifting here. */
ATTR_z INL __m512i q4_0_codes2(const block_q4_0 *b) {
  __m256i b0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)b[0].qs));
  __m256i b1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)b[1].qs));
  __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(b0), b1, 1);
  const __m512i nib =
      _mm512_setr_epi64(0x0f0f0f0f0f0f0f0f, 0x0f0f0f0f0f0f0f0f, -0x0f0f0f0f0f0f0f10,
                        -0x0f0f0f0f0f0f0f10, 0x0f0f0f0f0f0f0f0f, 0x0f0f0f0f0f0f0f0f,
                        -0x0f0f0f0f0f0f0f10, -0x0f0f0f0f0f0f0f10); /* 0x0f.. / 0xf0.. */
  return _mm512_and_si512(v, nib);
}

/* blocks g, g+1 . their 64 activation codes -> 16 partial sums, 8 per block */
ATTR_z INL __m512i sum2(const block_q4_0 *w, const int8_t *xq, int g) {
  __m512i x = _mm512_loadu_si512((const void *)(xq + (size_t)g * QK));
  return _mm512_dpbusd_epi32(_mm512_setzero_si512(), q4_0_codes2(w + g), x);
}

/* p0..p3 (blocks g..g+7 as sum2 lays them out) -> lane k = block g+k's sum.
 * Per 128-bit lane: unpack 32 then 64 leaves [g, g+2, g+4, g+6] partials in
 * 128-bit lanes 0 and 1 and [g+1, g+3, g+5, g+7] in lanes 2 and 3. Lanes 1
 * and 3 hold the high-nibble sums, 16 x the true ones: exact multiples of 16
 * (|sum| <= 16 * 16 * 15 * 128), so the arithmetic shift divides exactly.
 * Adding the swapped lanes and one permute give the block order. */
ATTR_z INL __m256i fold8z(__m512i p0, __m512i p1, __m512i p2, __m512i p3) {
  __m512i u = _mm512_add_epi32(_mm512_unpacklo_epi32(p0, p1), _mm512_unpackhi_epi32(p0, p1));
  __m512i v = _mm512_add_epi32(_mm512_unpacklo_epi32(p2, p3), _mm512_unpackhi_epi32(p2, p3));
  __m512i s = _mm512_add_epi32(_mm512_unpacklo_epi64(u, v), _mm512_unpackhi_epi64(u, v));
  s = _mm512_srav_epi32(s, _mm512_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4, 0, 0, 0, 0, 4, 4, 4, 4));
  s = _mm512_add_epi32(s, _mm512_shuffle_i64x2(s, s, _MM_SHUFFLE(2, 3, 0, 1)));
  __m512i order = _mm512_setr_epi32(0, 8, 1, 9, 2, 10, 3, 11, 0, 0, 0, 0, 0, 0, 0, 0);
  return _mm512_castsi512_si256(_mm512_permutexvar_epi32(order, s));
}

/* fp16 scales of blocks g..g+7: words 0, 9, ..., 63 of the group's 144 bytes */
ATTR_z INL __m256 wscales8z(const block_q4_0 *w, int g) {
  const char *p = (const char *)(w + g);
  __m512i at = _mm512_setr_epi32(9 << 16, 27 << 16 | 18, 45 << 16 | 36, 63 << 16 | 54, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0);
  __m512i d = _mm512_permutex2var_epi16(_mm512_loadu_si512((const void *)p), at,
                                        _mm512_loadu_si512((const void *)(p + 64)));
  return _mm256_cvtph_ps(_mm512_castsi512_si128(d));
}

/* acc += the last nb - g < 8 blocks of row w */
ATTR_z INL __m256 tail_z(const block_q4_0 *w, qa_row x, int g, int nb, __m256 acc) {
  if (nb - g != 4)
    return tail_q4_0_vnni(w, x, g, nb, acc);
  /* 4-block tail (896-wide rows): lanes 4..7 get 0 * 0 */
  __m512i z = _mm512_setzero_si512();
  __m256i s = fold8z(sum2(w, x.qs, g), sum2(w, x.qs, g + 2), z, z);
  __m256i xs = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)(x.s + g)));
  __m256 dw = _mm256_cvtph_ps(_mm_set_epi16(0, 0, 0, 0, (short)w[g + 3].d, (short)w[g + 2].d,
                                            (short)w[g + 1].d, (short)w[g].d));
  __m256 dx = _mm256_zextps128_ps256(_mm_loadu_ps(x.d + g));
  return acc_vnni(acc, FIX_q4_0(s, xs), dw, dx);
}

/* acc += block group g..g+7 of row w, given the group's activation codes
 * x0..x3, 8 * code sums xs8 and scales dx */
ATTR_z INL __m256 group8z(const block_q4_0 *w, int g, __m512i x0, __m512i x1, __m512i x2,
                          __m512i x3, __m256i xs8, __m256 dx, __m256 acc) {
  __m512i z = _mm512_setzero_si512();
  __m256i s = fold8z(_mm512_dpbusd_epi32(z, q4_0_codes2(w + g), x0),
                     _mm512_dpbusd_epi32(z, q4_0_codes2(w + g + 2), x1),
                     _mm512_dpbusd_epi32(z, q4_0_codes2(w + g + 4), x2),
                     _mm512_dpbusd_epi32(z, q4_0_codes2(w + g + 6), x3));
  return acc_vnni(acc, _mm256_sub_epi32(s, xs8), wscales8z(w, g), dx);
}

/* Four rows at a time: the same per-row arithmetic as dot_q4_0_vnni (so
 * the same bits), with each group's activation codes, sums and scales
 * loaded once for the four rows. */
ATTR_z void dotn_q4_0_vnni(const void *wv, size_t rb, qa_row x, int nb, int nrows, float *y) {
  int r = 0;
  for (; r + 4 <= nrows; r += 4) {
    const block_q4_0 *w0 = (const void *)((const char *)wv + (size_t)r * rb);
    const block_q4_0 *w1 = (const void *)((const char *)w0 + rb);
    const block_q4_0 *w2 = (const void *)((const char *)w1 + rb);
    const block_q4_0 *w3 = (const void *)((const char *)w2 + rb);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int g = 0;
    for (; g + 8 <= nb; g += 8) {
      const int8_t *xq = x.qs + (size_t)g * QK;
      __m512i x0 = _mm512_loadu_si512((const void *)xq);
      __m512i x1 = _mm512_loadu_si512((const void *)(xq + 64));
      __m512i x2 = _mm512_loadu_si512((const void *)(xq + 128));
      __m512i x3 = _mm512_loadu_si512((const void *)(xq + 192));
      __m256i xs8 = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(x.s + g)), 3);
      __m256 dx = _mm256_loadu_ps(x.d + g);
      a0 = group8z(w0, g, x0, x1, x2, x3, xs8, dx, a0);
      a1 = group8z(w1, g, x0, x1, x2, x3, xs8, dx, a1);
      a2 = group8z(w2, g, x0, x1, x2, x3, xs8, dx, a2);
      a3 = group8z(w3, g, x0, x1, x2, x3, xs8, dx, a3);
    }
    if (g < nb) { /* the tails, row by row, as dot_q4_0_vnni does them */
      a0 = tail_z(w0, x, g, nb, a0);
      a1 = tail_z(w1, x, g, nb, a1);
      a2 = tail_z(w2, x, g, nb, a2);
      a3 = tail_z(w3, x, g, nb, a3);
    }
    y[r] = reduce8_vnni(a0);
    y[r + 1] = reduce8_vnni(a1);
    y[r + 2] = reduce8_vnni(a2);
    y[r + 3] = reduce8_vnni(a3);
  }
  for (; r < nrows; r++)
    y[r] = dot_q4_0_vnni((const char *)wv + (size_t)r * rb, x, nb);
}

/* ------------------------- four rows, with AVX512-VBMI byte permutes */

/* The same block sums and float order once more, with fewer shuffles per
 * block (shuffles use two of the four vector pipes and bounded the kernels
 * above). Per group of eight blocks the 144 raw bytes are loaded as three
 * vectors and two vpermt2b pick out the 4 x 16 code bytes of blocks 0-3 and
 * of blocks 4-7, one block per 128-bit lane. Low nibbles shifted up and high
 * nibbles masked in place are both 16 x the codes, so one vpdpbusd pair per
 * four blocks leaves four lanes per block summing to 16 x its sum, against
 * activation codes rearranged to match (once per group, for four rows). */
#define ATTR_b                                                                                     \
  __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi")))

#define R16(a)                                                                                     \
  (a), (a) + 1, (a) + 2, (a) + 3, (a) + 4, (a) + 5, (a) + 6, (a) + 7, (a) + 8, (a) + 9, (a) + 10,  \
      (a) + 11, (a) + 12, (a) + 13, (a) + 14, (a) + 15
/* vpermt2b indices: code bytes of blocks 0-3 of a group from (bytes 0-63,
 * bytes 64-127), and of blocks 4-7 from (bytes 64-127, bytes 80-143) */
static const uint8_t codes03[64] = {R16(2), R16(20), R16(38), R16(56)};
static const uint8_t codes47[64] = {R16(10), R16(28), R16(46), R16(64 + 48)};

/* blocks 0-3 (p0) and 4-7 (p1), four lanes each holding 16 x partial sums
 * -> lane k = block k's sum: pairs of lanes, then the other pair, then the
 * block order, then the exact division by 16 */
ATTR_b INL __m256i fold8b(__m512i p0, __m512i p1) {
  __m512i u = _mm512_add_epi32(_mm512_unpacklo_epi32(p0, p1), _mm512_unpackhi_epi32(p0, p1));
  u = _mm512_add_epi32(u, _mm512_shuffle_epi32(u, _MM_PERM_BADC));
  __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
  return _mm256_srai_epi32(_mm512_castsi512_si256(_mm512_permutexvar_epi32(order, u)), 4);
}

/* 64 code bytes (one block per 128-bit lane) . activations lo, hi -> 16 x sums */
ATTR_b INL __m512i sum4b(__m512i v, __m512i xlo, __m512i xhi) {
  const __m512i high = _mm512_set1_epi8((char)0xf0);
  __m512i lo16 = _mm512_and_si512(_mm512_slli_epi16(v, 4), high);
  __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), lo16, xlo);
  return _mm512_dpbusd_epi32(p, _mm512_and_si512(v, high), xhi);
}

/* acc += group g of row w, given the rearranged activation codes */
ATTR_b INL __m256 group8b(const block_q4_0 *w, int g, const __m512i *xr, __m256i xs8, __m256 dx,
                          __m256 acc) {
  const char *p = (const char *)(w + g);
  __m512i z0 = _mm512_loadu_si512((const void *)p), z1 = _mm512_loadu_si512((const void *)(p + 64));
  __m512i z2 = _mm512_loadu_si512((const void *)(p + 80));
  __m512i c03 = _mm512_permutex2var_epi8(z0, _mm512_loadu_si512((const void *)codes03), z1);
  __m512i c47 = _mm512_permutex2var_epi8(z1, _mm512_loadu_si512((const void *)codes47), z2);
  __m256i s = fold8b(sum4b(c03, xr[0], xr[1]), sum4b(c47, xr[2], xr[3]));
  __m512i at = _mm512_setr_epi32(9 << 16, 27 << 16 | 18, 45 << 16 | 36, 63 << 16 | 54, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0);
  __m256 dw = _mm256_cvtph_ps(_mm512_castsi512_si128(_mm512_permutex2var_epi16(z0, at, z1)));
  return acc_vnni(acc, _mm256_sub_epi32(s, xs8), dw, dx);
}

ATTR_b void dotn_q4_0_vbmi(const void *wv, size_t rb, qa_row x, int nb, int nrows, float *y) {
  const __m512i lo = _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13);
  const __m512i hi = _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15);
  int r = 0;
  for (; r + 4 <= nrows; r += 4) {
    const block_q4_0 *w[4];
    for (int k = 0; k < 4; k++)
      w[k] = (const void *)((const char *)wv + (size_t)(r + k) * rb);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int g = 0;
    for (; g + 8 <= nb; g += 8) {
      const int8_t *xq = x.qs + (size_t)g * QK;
      __m512i q0 = _mm512_loadu_si512((const void *)xq),
              q1 = _mm512_loadu_si512((const void *)(xq + 64));
      __m512i q2 = _mm512_loadu_si512((const void *)(xq + 128));
      __m512i q3 = _mm512_loadu_si512((const void *)(xq + 192));
      __m512i xr[4] = {_mm512_permutex2var_epi64(q0, lo, q1), _mm512_permutex2var_epi64(q0, hi, q1),
                       _mm512_permutex2var_epi64(q2, lo, q3),
                       _mm512_permutex2var_epi64(q2, hi, q3)};
      __m256i xs8 = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(x.s + g)), 3);
      __m256 dx = _mm256_loadu_ps(x.d + g);
      a0 = group8b(w[0], g, xr, xs8, dx, a0);
      a1 = group8b(w[1], g, xr, xs8, dx, a1);
      a2 = group8b(w[2], g, xr, xs8, dx, a2);
      a3 = group8b(w[3], g, xr, xs8, dx, a3);
    }
    if (g < nb) {
      a0 = tail_z(w[0], x, g, nb, a0);
      a1 = tail_z(w[1], x, g, nb, a1);
      a2 = tail_z(w[2], x, g, nb, a2);
      a3 = tail_z(w[3], x, g, nb, a3);
    }
    y[r] = reduce8_vnni(a0);
    y[r + 1] = reduce8_vnni(a1);
    y[r + 2] = reduce8_vnni(a2);
    y[r + 3] = reduce8_vnni(a3);
  }
  for (; r < nrows; r++)
    y[r] = dot_q4_0_vnni((const char *)wv + (size_t)r * rb, x, nb);
}

ATTR_z float dot_q4_0_vnni(const void *wv, qa_row x, int nb) {
  const block_q4_0 *w = wv;
  __m256 acc = _mm256_setzero_ps();
  int g = 0;
  for (; g + 8 <= nb; g += 8) {
    __m256i s =
        fold8z(sum2(w, x.qs, g), sum2(w, x.qs, g + 2), sum2(w, x.qs, g + 4), sum2(w, x.qs, g + 6));
    s = FIX_q4_0(s, _mm256_loadu_si256((const __m256i *)(x.s + g)));
    acc = acc_vnni(acc, s, wscales8z(w, g), _mm256_loadu_ps(x.d + g));
  }
  return reduce8_vnni(g < nb ? tail_z(w, x, g, nb, acc) : acc);
}

#else
typedef int dot_x86_unused; /* ISO C forbids an empty translation unit */
#endif
