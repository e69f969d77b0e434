/* dot_x86.c: AVX2 and AVX-512 VNNI block dot products.
 *
 * Each function is compiled for its own target with __attribute__((target))
 * and only called after dot_supported() said yes. Per block, 32 signed codes
 * w and x give eight int32 partial sums (abs(w) * sign(x, w) as u8 x s8, so no
 * saturation: |w|,|x| <= 127 gives pairs <= 32258). Eight blocks' partial sums
 * are folded by hadd into one vector of eight exact block sums, which is then
 * scaled and added lane-wise: the order documented in dot.h. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "dot.h"

#define T_AVX2 __attribute__((target("avx2,fma,f16c")))
#define T_VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512vnni")))

/* q4_0 block -> 32 int8 codes in [-8,7], values 0..15 then 16..31 */
#define Q4_UNPACK(blk)                                                        \
    __m128i raw = _mm_loadu_si128((const __m128i *)(blk)->qs);                \
    __m128i m4 = _mm_set1_epi8(0x0f);                                         \
    __m256i w = _mm256_sub_epi8(                                              \
        _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), m4),           \
                         _mm_and_si128(raw, m4)),                             \
        _mm256_set1_epi8(8))

/* fold v[0..7] (eight int32 each) -> lane k = sum of v[k]'s lanes */
#define FOLD8(v, out)                                                         \
    do {                                                                      \
        __m256i t0 = _mm256_hadd_epi32(v[0], v[1]);                           \
        __m256i t1 = _mm256_hadd_epi32(v[2], v[3]);                           \
        __m256i t2 = _mm256_hadd_epi32(v[4], v[5]);                           \
        __m256i t3 = _mm256_hadd_epi32(v[6], v[7]);                           \
        __m256i u0 = _mm256_hadd_epi32(t0, t1);                               \
        __m256i u1 = _mm256_hadd_epi32(t2, t3);                               \
        out = _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20),       \
                               _mm256_permute2x128_si256(u0, u1, 0x31));      \
    } while (0)

/* One dot product body; BLOCK_SUM(k) must leave block g+k's partial sums in
 * v[k]. Lanes beyond nb get sum 0 and scale 0, which adds +0 to the lane. */
#define DOT_BODY(WTYPE, BLOCK_SUM)                                            \
    const WTYPE *wb = wv;                                                     \
    __m256 acc = _mm256_setzero_ps();                                         \
    for (int g = 0; g < nb; g += 8) {                                         \
        int m = nb - g < 8 ? nb - g : 8;                                      \
        __m256i v[8];                                                         \
        float sc[8];                                                          \
        for (int k = 0; k < 8; k++) {                                         \
            if (k < m) {                                                      \
                const WTYPE *blk = wb + g + k;                                \
                const block_qa *xa = x + g + k;                               \
                BLOCK_SUM;                                                    \
                sc[k] = _cvtsh_ss(blk->d) * xa->d;                            \
            } else {                                                          \
                v[k] = _mm256_setzero_si256();                                \
                sc[k] = 0.0f;                                                 \
            }                                                                 \
        }                                                                     \
        __m256i s;                                                            \
        FOLD8(v, s);                                                          \
        __m256 p = _mm256_mul_ps(_mm256_cvtepi32_ps(s), _mm256_loadu_ps(sc)); \
        acc = _mm256_add_ps(acc, p);                                          \
    }                                                                         \
    float lanes[8];                                                           \
    _mm256_storeu_ps(lanes, acc);                                             \
    return dot_reduce8(lanes)

#define SUM_AVX2(w)                                                           \
    __m256i xq = _mm256_loadu_si256((const __m256i *)xa->qs);                 \
    __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w),                \
                                       _mm256_sign_epi8(xq, w));              \
    v[k] = _mm256_madd_epi16(p16, _mm256_set1_epi16(1))

#define SUM_VNNI(w)                                                           \
    __m256i xq = _mm256_loadu_si256((const __m256i *)xa->qs);                 \
    v[k] = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w),\
                               _mm256_sign_epi8(xq, w))

#define LOAD_Q8 __m256i w = _mm256_loadu_si256((const __m256i *)blk->qs)

T_AVX2 float dot_q8_0_avx2(const void *wv, const block_qa *x, int nb) {
    DOT_BODY(block_q8_0, LOAD_Q8; SUM_AVX2(w));
}

T_AVX2 float dot_q4_0_avx2(const void *wv, const block_qa *x, int nb) {
    DOT_BODY(block_q4_0, Q4_UNPACK(blk); SUM_AVX2(w));
}

T_VNNI float dot_q8_0_vnni(const void *wv, const block_qa *x, int nb) {
    DOT_BODY(block_q8_0, LOAD_Q8; SUM_VNNI(w));
}

T_VNNI float dot_q4_0_vnni(const void *wv, const block_qa *x, int nb) {
    DOT_BODY(block_q4_0, Q4_UNPACK(blk); SUM_VNNI(w));
}

#else
typedef int dot_x86_unused; /* ISO C forbids an empty translation unit */
#endif
