#include "ktree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* h_k(s) exactly: an integer part and a fraction in [0, 1). prev <= C <
 * 2^32 and s in [0, 1], so x < 2^32 and x - floor(x) is exact. */
typedef struct hval {
  uint64_t i;
  double f;
} hval;

static hval h_at(const ktree *t, uint32_t k, double s) {
  double x = (double)t->prev[k] * s, fl = floor(x);
  return (hval){t->cur[k] + (uint64_t)fl, x - fl};
}

/* Leaf a beats leaf b at s: less h, or equal h and a lower leaf. */
static int beats(const ktree *t, uint32_t a, uint32_t b, double s) {
  hval x = h_at(t, a, s), y = h_at(t, b, s);
  if (x.i != y.i)
    return x.i < y.i;
  if (x.f != y.f)
    return x.f < y.f;
  return a < b;
}

/* The certificate of winner a over b at s (a beats b at s): an s_f < s
 * such that a beats b for every s' in (s_f, s] (-1: the rest of the
 * window), or s itself when that cannot be told (re-check at the next
 * query). With D(s) = (cur_b - cur_a) + (prev_b - prev_a) s exactly, the
 * computed h differ from the exact lines by at most E = (prev_a + prev_b)
 * 2^-53 (two roundings of x, s <= 1), so D > E means a beats b; the margin
 * m >= 8E also covers the rounding of D and of the crossing below. */
static double cert(const ktree *t, uint32_t a, uint32_t b, double s) {
  double pa = (double)t->prev[a], pb = (double)t->prev[b], dp = pb - pa;
  double dc = (double)t->cur[b] - (double)t->cur[a]; /* exact: both < 2^33 */
  if (dp == 0)
    return -1; /* equal x: h_b - h_a = dc for every s, the order never changes */
  double m = (pa + pb + fabs(dc) + fabs(dp)) * 0x1p-50;
  if (dp < 0) /* D grows as s falls: safe for good once D(s) clears the margin */
    return dc + dp * s > 2 * m ? -1 : s;
  double sig = (m - dc) / dp; /* D(s') > m for every s' > sig */
  if (sig > 2)
    return s;
  double f = sig + 0x1p-44; /* |error of sig| < 2^-48 when |sig| <= 2 */
  return f < s ? f : s;
}

static double max3(double a, double b, double c) {
  double m = a > b ? a : b;
  return m > c ? m : c;
}

static double due_of(const ktree *t, size_t v) { return v < t->leaves ? t->due[v] : -1; }

/* Recomputes inner node v from its children at s. */
static void pull(ktree *t, size_t v, double s) {
  uint32_t a = t->win[2 * v], b = t->win[2 * v + 1];
  double f = -1;
  if (a == KT_NONE)
    a = b;
  else if (b != KT_NONE) {
    if (!beats(t, a, b, s)) {
      uint32_t c = a;
      a = b, b = c;
    }
    f = cert(t, a, b, s);
  }
  t->win[v] = a;
  t->due[v] = max3(f, due_of(t, 2 * v), due_of(t, 2 * v + 1));
  t->pulls++;
}

int kt_init(ktree *t, size_t n) {
  *t = (ktree){.n = n, .s = 1};
  for (t->leaves = 1; t->leaves < n;)
    t->leaves *= 2;
  size_t L = t->leaves;
  t->cur = calloc(L, sizeof *t->cur);
  t->prev = calloc(L, sizeof *t->prev);
  t->on = calloc(L, sizeof *t->on);
  t->win = malloc(2 * L * sizeof *t->win);
  t->due = malloc(L * sizeof *t->due);
  if (!t->cur || !t->prev || !t->on || !t->win || !t->due)
    return -1;
  for (size_t v = 0; v < 2 * L; v++)
    t->win[v] = KT_NONE;
  for (size_t v = 0; v < L; v++)
    t->due[v] = -1;
  return 0;
}

void kt_destroy(ktree *t) {
  free(t->cur);
  free(t->prev);
  free(t->on);
  free(t->win);
  free(t->due);
  *t = (ktree){0};
}

void kt_put(ktree *t, size_t k, uint64_t cur, uint64_t prev, int on) {
  t->cur[k] = cur, t->prev[k] = prev, t->on[k] = (uint8_t)(on != 0);
  t->win[t->leaves + k] = on ? (uint32_t)k : KT_NONE;
}

void kt_rebuild(ktree *t, double s) {
  t->s = s;
  for (size_t v = t->leaves; v-- > 1;)
    pull(t, v, s);
}

/* A changed leaf's ancestors: each is recomputed; the walk stops at the
 * first whose winner and due stay and whose winner is not leaf k (its
 * ancestors read nothing else). */
void kt_set(ktree *t, size_t k, uint64_t cur, uint64_t prev, int on) {
  kt_put(t, k, cur, prev, on);
  for (size_t v = (t->leaves + k) / 2; v >= 1; v /= 2) {
    uint32_t w = t->win[v];
    double d = t->due[v];
    pull(t, v, t->s);
    if (t->win[v] == w && t->due[v] == d && w != (uint32_t)k)
      break;
  }
}

/* Recomputes the nodes whose subtree holds a certificate failed at s. */
static void advance(ktree *t, size_t v, double s) {
  if (v >= t->leaves || t->due[v] < s)
    return;
  advance(t, 2 * v, s);
  advance(t, 2 * v + 1, s);
  pull(t, v, s);
}

void kt_advance(ktree *t, double s) {
  if (s > t->s) {
    kt_rebuild(t, s);
    return;
  }
  t->s = s;
  if (t->leaves > 1)
    advance(t, 1, s);
}

uint64_t kt_used(const ktree *t, size_t k) {
  hval h = h_at(t, (uint32_t)k, t->s);
  return h.i + (h.f > 0);
}

static uint64_t clamped(const ktree *t, uint32_t k, uint64_t cap) {
  uint64_t u = kt_used(t, k);
  return u < cap ? u : cap;
}

/* A subtree's least clamped used is its winner's (ceil and the clamp are
 * monotone in h), so the descent takes the left child whenever its winner
 * reaches the least value. */
uint32_t kt_leftmost(const ktree *t, uint64_t cap, uint64_t *u) {
  uint32_t w = t->win[1];
  if (w == KT_NONE)
    return KT_NONE;
  uint64_t best = clamped(t, w, cap);
  size_t v = 1;
  while (v < t->leaves) {
    uint32_t l = t->win[2 * v];
    v = l != KT_NONE && (l == w || clamped(t, l, cap) <= best) ? 2 * v : 2 * v + 1;
  }
  *u = best;
  return (uint32_t)(v - t->leaves);
}
