/* lenidx.h: the least (length, member) over members 0 .. m-1 (m <=
 * LX_MAX_MEMBERS), each with a small length in [0, nlen) (nlen <=
 * LX_MAX_LEN) or none, by bitmaps (queue.c's fallback index: a member is a
 * queue device, its length its queue's, none when full).
 *
 * bit[n * w + k] holds members 64 k .. 64 k + 63 of length n; bit k of
 * sum[n] says that word is not empty; bit n of `lens` that length n has a
 * member. A change and a query are a few word operations; ties go to the
 * lowest member. Memory: nlen * (w + 1) words and a byte per member, at
 * init; nothing afterwards.
 */
#ifndef ES_LENIDX_H
#define ES_LENIDX_H

#include <stdint.h>

#define LX_NONE 0xffu /* a member without a length (len[]) */
enum { LX_MAX_LEN = 64, LX_MAX_MEMBERS = 64 * 64 };

typedef struct lenidx {
  uint64_t lens; /* bit n: some member has length n */
  uint64_t *sum; /* sum[n]: bit k, word k of length n is not empty */
  uint64_t *bit; /* bit[n * w + k]: members 64 k .. 64 k + 63 of length n */
  uint8_t *len;  /* len[member]: its length, or LX_NONE */
  uint32_t m, w; /* members; words per length */
  uint32_t nlen; /* lengths */
} lenidx;

/* m members (1 .. LX_MAX_MEMBERS), lengths below nlen (1 .. LX_MAX_LEN),
 * none set. 0, or -1 if out of memory (lx_destroy is still safe). */
int lx_init(lenidx *x, uint32_t m, uint32_t nlen);
void lx_destroy(lenidx *x);

/* Member k's length made n (< nlen), or none (LX_NONE). */
static inline void lx_set(lenidx *x, uint32_t k, uint32_t n) {
  uint32_t old = x->len[k], wd = k >> 6;
  uint64_t b = (uint64_t)1 << (k & 63);
  if (old == n)
    return;
  if (old != LX_NONE && !(x->bit[old * x->w + wd] &= ~b) && !(x->sum[old] &= ~((uint64_t)1 << wd)))
    x->lens &= ~((uint64_t)1 << old);
  x->len[k] = (uint8_t)n;
  if (n != LX_NONE) {
    x->bit[n * x->w + wd] |= b;
    x->sum[n] |= (uint64_t)1 << wd;
    x->lens |= (uint64_t)1 << n;
  }
}

/* The least length that a member has (LX_NONE: none), and in *k the
 * lowest member of it (untouched when none). */
static inline uint32_t lx_min(const lenidx *x, uint32_t *k) {
  if (!x->lens)
    return LX_NONE;
  uint32_t n = (uint32_t)__builtin_ctzll(x->lens);
  uint32_t wd = (uint32_t)__builtin_ctzll(x->sum[n]);
  *k = 64 * wd + (uint32_t)__builtin_ctzll(x->bit[n * x->w + wd]);
  return n;
}

#endif
