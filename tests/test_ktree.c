/* test_ktree.c: the kinetic tournament tree against a plain scan.
 *
 * The reference computes every leaf's used exactly as sliding_counter's
 * sync does (cur + ceil(prev * s) when that product is positive, clamped to
 * C) and takes the least, leftmost on ties. Random cases drive windows
 * (every line changes, s back to 1), falling weights (on a grid where
 * prev * s lands on integers, at 0, and arbitrary), updates between
 * queries, slots that close and open, and lines that tie or run parallel;
 * one case uses counts near 2^32 so the products round. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ktree.h"

static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DULL;
}

typedef struct line {
  uint64_t cur, prev;
  int on;
} line;

/* sliding_counter's `used` (lim_sliding_counter.c, sync). */
static uint64_t ref_used(const line *l, double s, uint64_t cap) {
  double p = (double)l->prev * s;
  uint64_t u = l->cur + (p > 0 ? (uint64_t)ceil(p) : 0);
  return u < cap ? u : cap;
}

static uint32_t ref_pick(const line *l, size_t n, double s, uint64_t cap, uint64_t *u) {
  uint32_t who = KT_NONE;
  for (size_t k = 0; k < n; k++) {
    if (!l[k].on)
      continue;
    uint64_t v = ref_used(&l[k], s, cap);
    if (who == KT_NONE || v < *u)
      who = (uint32_t)k, *u = v;
  }
  return who;
}

/* A random line: small counts from a few values (ties, parallel lines), or
 * large ones when `big`. */
static line rand_line(uint64_t *r, int big) {
  static const uint64_t small[] = {0, 1, 2, 3, 5, 8, 100, 101, 250};
  line l;
  if (big) {
    l.cur = next_u64(r) % 4 ? UINT32_MAX - next_u64(r) % 1000 : next_u64(r) % 3;
    l.prev = UINT32_MAX - next_u64(r) % 7;
  } else {
    l.cur = small[next_u64(r) % 9];
    l.prev = small[next_u64(r) % 9];
  }
  l.on = next_u64(r) % 6 != 0;
  return l;
}

/* The next weight below s: a step on a grid of 1/8 or 1/prev-like values,
 * the same s again, 0, an arbitrary double, or at (or an ulp or a few past)
 * where the lines of two leaves cross, so a late certificate shows. */
static double next_s(uint64_t *r, double s, const line *l, size_t n) {
  size_t a = next_u64(r) % n, b = next_u64(r) % n;
  double dp = (double)l[a].prev - (double)l[b].prev;
  double x = dp != 0 ? ((double)l[b].cur - (double)l[a].cur) / dp : -1;
  switch (next_u64(r) % 7) {
  case 6:
    for (uint64_t k = next_u64(r) % 4; k > 0 && x > 0; k--)
      x = nextafter(x, 0);
    return x >= 0 && x <= s ? x : s;
  case 0:
    return s;
  case 1:
    return floor(s * 8 - 1e-9) / 8 > 0 ? floor(s * 8 - 1e-9) / 8 : 0;
  case 2:
    return s > 0.01 ? s - 0.01 : 0;
  case 3:
    return s * (double)(next_u64(r) % 1000) / 1000.0;
  case 4: {
    double d = (double)(1 + next_u64(r) % 300); /* k / d: prev * s often an integer */
    double k = floor(s * d);
    return k / d <= s ? k / d : s;
  }
  default:
    return s - s * 0x1p-50; /* within rounding of s */
  }
}

/* a's h below b's at s, compared exactly (integer part, then fraction) */
static int h_less(const line *a, const line *b, double s) {
  double x = (double)a->prev * s, y = (double)b->prev * s;
  uint64_t i = a->cur + (uint64_t)floor(x), j = b->cur + (uint64_t)floor(y);
  return i != j ? i < j : x - floor(x) < y - floor(y);
}

/* Every inner node holds its subtree's open leaf of least h at s, the
 * lowest on ties (ktree.h), so a certificate that fails late shows even
 * where the ceilings agree. */
static void check_nodes(const ktree *t, const line *l, size_t n, double s) {
  for (size_t v = 1; v < t->leaves; v++) {
    size_t lo = v, hi = v + 1;
    while (lo < t->leaves)
      lo *= 2, hi *= 2;
    uint32_t who = KT_NONE;
    for (size_t k = lo - t->leaves; k < hi - t->leaves && k < n; k++)
      if (l[k].on && (who == KT_NONE || h_less(&l[k], &l[who], s)))
        who = (uint32_t)k;
    assert_int_equal(t->nd[v].win, who);
  }
}

static void check(const ktree *t, const line *l, size_t n, double s, uint64_t cap) {
  if (n <= 64)
    check_nodes(t, l, n, s);
  uint64_t u = 0, v = 0;
  uint32_t want = ref_pick(l, n, s, cap, &u), got = kt_leftmost(t, cap, &v);
  assert_int_equal(got, want);
  if (want != KT_NONE)
    assert_int_equal(v, u);
}

static void random_case(uint64_t seed, size_t n, int big, int steps) {
  uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 7;
  uint64_t cap = big ? (1ULL << 32) - 2 : 1 + next_u64(&r) % 400;
  line *l = calloc(n, sizeof *l);
  ktree t;
  assert_non_null(l);
  assert_int_equal(kt_init(&t, n), 0);
  double s = 1;
  for (int step = 0; step < steps; step++) {
    uint64_t what = next_u64(&r) % 100;
    if (step == 0 || what < 3) { /* a new window: every line changes */
      s = 1;
      for (size_t k = 0; k < n; k++) {
        l[k] = rand_line(&r, big);
        kt_put(&t, k, l[k].cur, l[k].prev, l[k].on);
      }
      kt_rebuild(&t, s);
    } else if (what < 50) { /* an update: an admission raises cur, or a slot changes */
      size_t k = next_u64(&r) % n;
      if (next_u64(&r) % 3) {
        l[k].cur += big ? next_u64(&r) % 3 : 1 + next_u64(&r) % 60;
        l[k].cur = l[k].cur < UINT32_MAX ? l[k].cur : UINT32_MAX; /* ktree.h: counts < 2^32 */
      } else
        l[k].on = !l[k].on;
      kt_set(&t, k, l[k].cur, l[k].prev, l[k].on);
    } else { /* a query at a weight no larger than the last */
      s = next_s(&r, s, l, n);
      kt_advance(&t, s);
    }
    check(&t, l, n, s, cap);
  }
  kt_destroy(&t);
  free(l);
}

static void test_random_small(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 200; seed++)
    random_case(seed, 1 + seed % 37, 0, 2000);
}

static void test_random_large(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 4; seed++)
    random_case(seed, 500 + seed * 300, 0, 20000);
}

static void test_random_big_counts(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 60; seed++)
    random_case(seed, 2 + seed % 20, 1, 2000);
}

/* Hand-computed: a = (cur 0, prev 10), b = (cur 5, prev 0), c = (cur 3, prev 4).
 * used at s: a = ceil(10 s), b = 5, c = 3 + ceil(4 s). s = 1: 10, 5, 7 -> b;
 * s = 0.5: 5, 5, 5 -> a (leftmost of three ties); s = 0.45: 5, 5, 5 -> a;
 * s = 0.25: 3, 5, 4 -> a; s = 0: 0, 5, 3 -> a. With a closed: s = 0.25 ->
 * c (4 < 5); s = 0 -> c. */
static void test_hand(void **state) {
  (void)state;
  ktree t;
  assert_int_equal(kt_init(&t, 3), 0);
  kt_put(&t, 0, 0, 10, 1);
  kt_put(&t, 1, 5, 0, 1);
  kt_put(&t, 2, 3, 4, 1);
  kt_rebuild(&t, 1);
  uint64_t u;
  assert_int_equal(kt_leftmost(&t, 100, &u), 1);
  assert_int_equal(u, 5);
  static const double ss[] = {0.5, 0.45, 0.25, 0};
  static const uint64_t us[] = {5, 5, 3, 0};
  for (int k = 0; k < 4; k++) {
    kt_advance(&t, ss[k]);
    assert_int_equal(kt_leftmost(&t, 100, &u), 0);
    assert_int_equal(u, us[k]);
  }
  kt_put(&t, 0, 0, 10, 1);
  kt_rebuild(&t, 0.25);
  kt_set(&t, 0, 0, 10, 0);
  assert_int_equal(kt_leftmost(&t, 100, &u), 2);
  assert_int_equal(u, 4);
  kt_advance(&t, 0);
  assert_int_equal(kt_leftmost(&t, 100, &u), 2);
  assert_int_equal(u, 3);
  /* the clamp: with C = 2 every used is 2 or more at s = 1, so the
   * leftmost open leaf is the answer */
  kt_rebuild(&t, 1);
  assert_int_equal(kt_leftmost(&t, 2, &u), 1);
  assert_int_equal(u, 2);
  kt_set(&t, 1, 5, 0, 0);
  kt_set(&t, 2, 3, 4, 0);
  assert_int_equal(kt_leftmost(&t, 2, &u), KT_NONE);
  kt_destroy(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand),
      cmocka_unit_test(test_random_small),
      cmocka_unit_test(test_random_large),
      cmocka_unit_test(test_random_big_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
