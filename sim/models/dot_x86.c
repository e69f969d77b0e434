/* dot_x86.c: AVX2 and AVX-512 VNNI block dot products.
 *
 * Each function is compiled for its own target with __attribute__((target))
 * and only called after dot_supported() said yes. Per block, 32 signed codes
 * w and x give eight int32 partial sums via abs(w) (u8) times sign(x, w) (s8),
 * so nothing saturates: |w|,|x| <= 127 gives pairs <= 32258. Eight blocks'
 * partial sums are folded by hadd into one vector of eight exact block sums,
 * lane k holding block g+k, which is then scaled and added lane-wise: the
 * order documented in dot.h. Groups are unrolled by hand so the eight
 * partial-sum vectors stay in registers; a tail group is zero-padded (zero
 * codes and scales add +0 to a lane). */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "dot.h"

#define T_AVX2 __attribute__((target("avx2,fma,f16c")))
#define T_VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512vnni")))
#define INL static inline __attribute__((always_inline))

/* ------------------------------------------------ per-block partial sums */

/* q4_0 block -> 32 unsigned codes 0..15 (value + 8): values 0..15, then
 * 16..31. The sums below are of code * x; the caller subtracts 8 * sum(x). */
#define Q4_CODES(T)                                                                    \
    T INL __m256i q4_codes_##T(const block_q4_0 *b) {                                  \
        __m128i raw = _mm_loadu_si128((const __m128i *)b->qs);                         \
        __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(raw),            \
                                               _mm_srli_epi16(raw, 4), 1);             \
        return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));                         \
    }
Q4_CODES(T_AVX2)
Q4_CODES(T_VNNI)

/* signed codes w (q8_0): abs(w) (u8) times sign(x, w) (s8) */
T_AVX2 INL __m256i sum_s_avx2(__m256i w, const block_qa *x) {
    __m256i xq = _mm256_loadu_si256((const __m256i *)x->qs);
    __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(xq, w));
    return _mm256_madd_epi16(p16, _mm256_set1_epi16(1));
}

T_VNNI INL __m256i sum_s_vnni(__m256i w, const block_qa *x) {
    __m256i xq = _mm256_loadu_si256((const __m256i *)x->qs);
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w),
                               _mm256_sign_epi8(xq, w));
}

/* unsigned codes w (q4_0), at most 15 * 127 * 2 per pair */
T_AVX2 INL __m256i sum_u_avx2(__m256i w, const block_qa *x) {
    __m256i xq = _mm256_loadu_si256((const __m256i *)x->qs);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(w, xq), _mm256_set1_epi16(1));
}

T_VNNI INL __m256i sum_u_vnni(__m256i w, const block_qa *x) {
    __m256i xq = _mm256_loadu_si256((const __m256i *)x->qs);
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), w, xq);
}

/* block sums of unsigned q4 codes -> of signed values: minus 8 * sum(x) */
#define FIX_Q8(s, x) (s)
#define FIX_Q4(s, x)                                                                   \
    _mm256_sub_epi32(s, _mm256_slli_epi32(_mm256_set_epi32(x[7].s, x[6].s, x[5].s, x[4].s, \
                                                           x[3].s, x[2].s, x[1].s, x[0].s), 3))

/* ------------------------------------------------------- shared skeleton */

/* v0..v7 (eight int32 each) -> lane k = sum of vk's lanes */
#define FOLD8(T)                                                                       \
    T INL __m256i fold8_##T(__m256i v0, __m256i v1, __m256i v2, __m256i v3, __m256i v4, \
                            __m256i v5, __m256i v6, __m256i v7) {                      \
        __m256i u0 = _mm256_hadd_epi32(_mm256_hadd_epi32(v0, v1), _mm256_hadd_epi32(v2, v3)); \
        __m256i u1 = _mm256_hadd_epi32(_mm256_hadd_epi32(v4, v5), _mm256_hadd_epi32(v6, v7)); \
        return _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20),               \
                                _mm256_permute2x128_si256(u0, u1, 0x31));              \
    }
FOLD8(T_AVX2)
FOLD8(T_VNNI)

/* acc += (float)sums * (d_w * d_x), lane k for block k of w and x. The
 * scales are inserted straight from memory: going through a small stack
 * array costs a store-forwarding stall per group. */
#define SCALE8(T, WT)                                                                  \
    T INL __m256 scale8_##T##WT(__m256 acc, __m256i sums, const WT *w, const block_qa *x) { \
        __m128i dw = _mm_set_epi16((short)w[7].d, (short)w[6].d, (short)w[5].d, (short)w[4].d, \
                                   (short)w[3].d, (short)w[2].d, (short)w[1].d, (short)w[0].d); \
        __m256 dx = _mm256_set_ps(x[7].d, x[6].d, x[5].d, x[4].d, x[3].d, x[2].d, x[1].d, x[0].d); \
        __m256 sc = _mm256_mul_ps(_mm256_cvtph_ps(dw), dx);                            \
        return _mm256_add_ps(acc, _mm256_mul_ps(_mm256_cvtepi32_ps(sums), sc));        \
    }
SCALE8(T_AVX2, block_q8_0)
SCALE8(T_AVX2, block_q4_0)
SCALE8(T_VNNI, block_q8_0)
SCALE8(T_VNNI, block_q4_0)

/* the same through per-lane block pointers, lanes outside `keep` scaled by 0 */
#define SCALE8P(T, WT)                                                                 \
    T INL __m256 scale8p_##T##WT(__m256 acc, __m256i sums, const WT **w, const block_qa **x, \
                                 __m256 keep) {                                        \
        __m128i dw = _mm_set_epi16((short)w[7]->d, (short)w[6]->d, (short)w[5]->d, (short)w[4]->d, \
                                   (short)w[3]->d, (short)w[2]->d, (short)w[1]->d, (short)w[0]->d); \
        __m256 dx = _mm256_set_ps(x[7]->d, x[6]->d, x[5]->d, x[4]->d, x[3]->d, x[2]->d, x[1]->d, x[0]->d); \
        __m256 sc = _mm256_and_ps(_mm256_mul_ps(_mm256_cvtph_ps(dw), dx), keep);       \
        return _mm256_add_ps(acc, _mm256_mul_ps(_mm256_cvtepi32_ps(sums), sc));        \
    }
SCALE8P(T_AVX2, block_q8_0)
SCALE8P(T_AVX2, block_q4_0)
SCALE8P(T_VNNI, block_q8_0)
SCALE8P(T_VNNI, block_q4_0)

/* One function body: CODES(p) gives block p's 32 weight codes, SUM(w, xp)
 * its partial sums, FIX(s, x) corrects eight folded block sums. Full groups
 * of 8 are unrolled; the tail group re-reads its last block into the missing
 * lanes and masks them to sum 0 and scale 0, which adds +0 to those lanes. */
#define DOT(NAME, T, WT, CODES, SUM, FIX)                                              \
    T float NAME(const void *wv, const block_qa *x, int nb) {                          \
        const WT *w = wv;                                                              \
        __m256 acc = _mm256_setzero_ps();                                              \
        int g = 0;                                                                     \
        for (; g + 8 <= nb; g += 8) {                                                  \
            const WT *p = w + g;                                                       \
            const block_qa *q = x + g;                                                 \
            __m256i s = fold8_##T(SUM(CODES(p), q), SUM(CODES(p + 1), q + 1),         \
                                  SUM(CODES(p + 2), q + 2), SUM(CODES(p + 3), q + 3), \
                                  SUM(CODES(p + 4), q + 4), SUM(CODES(p + 5), q + 5), \
                                  SUM(CODES(p + 6), q + 6), SUM(CODES(p + 7), q + 7)); \
            acc = scale8_##T##WT(acc, FIX(s, q), p, q);                                \
        }                                                                              \
        if (g < nb) {                                                                  \
            int last = nb - 1 - g;                                                     \
            const WT *p[8];                                                            \
            const block_qa *q[8];                                                      \
            for (int k = 0; k < 8; k++) {                                              \
                p[k] = w + g + (k < last ? k : last);                                  \
                q[k] = x + g + (k < last ? k : last);                                  \
            }                                                                          \
            __m256i s = fold8_##T(SUM(CODES(p[0]), q[0]), SUM(CODES(p[1]), q[1]),     \
                                  SUM(CODES(p[2]), q[2]), SUM(CODES(p[3]), q[3]),     \
                                  SUM(CODES(p[4]), q[4]), SUM(CODES(p[5]), q[5]),     \
                                  SUM(CODES(p[6]), q[6]), SUM(CODES(p[7]), q[7]));    \
            __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(nb - g),               \
                                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); \
            s = _mm256_and_si256(FIX_TAIL_##FIX(s, q), keep);                          \
            acc = scale8p_##T##WT(acc, s, p, q, _mm256_castsi256_ps(keep));            \
        }                                                                              \
        float lanes[8];                                                                \
        _mm256_storeu_ps(lanes, acc);                                                  \
        return dot_reduce8(lanes);                                                     \
    }

#define FIX_TAIL_FIX_Q8(s, q) (s)
#define FIX_TAIL_FIX_Q4(s, q)                                                          \
    _mm256_sub_epi32(s, _mm256_slli_epi32(_mm256_set_epi32(q[7]->s, q[6]->s, q[5]->s, q[4]->s, \
                                                           q[3]->s, q[2]->s, q[1]->s, q[0]->s), 3))

#define Q8_CODES(p) _mm256_loadu_si256((const __m256i *)(p)->qs)

DOT(dot_q8_0_avx2, T_AVX2, block_q8_0, Q8_CODES, sum_s_avx2, FIX_Q8)
DOT(dot_q4_0_avx2, T_AVX2, block_q4_0, q4_codes_T_AVX2, sum_u_avx2, FIX_Q4)
DOT(dot_q8_0_vnni, T_VNNI, block_q8_0, Q8_CODES, sum_s_vnni, FIX_Q8)
DOT(dot_q4_0_vnni, T_VNNI, block_q4_0, q4_codes_T_VNNI, sum_u_vnni, FIX_Q4)

#else
typedef int dot_x86_unused; /* ISO C forbids an empty translation unit */
#endif
