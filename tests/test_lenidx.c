/* test_lenidx.c: the length bitmaps give the least (length, member), ties
 * to the lowest member, as a scan over every member does, through random
 * changes (lengths set, moved by one, cleared), for member counts around
 * the word boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lenidx.h"

static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DULL;
}

/* The reference: least length, lowest member among them (LX_NONE: none). */
static uint32_t ref_min(const uint8_t *len, uint32_t m, uint32_t *k) {
  uint32_t best = LX_NONE;
  for (uint32_t j = 0; j < m; j++)
    if (len[j] != LX_NONE && (best == LX_NONE || len[j] < best))
      best = len[j], *k = j;
  return best;
}

static void lockstep(uint32_t m, uint32_t nlen, uint64_t seed) {
  static uint8_t len[LX_MAX_MEMBERS];
  lenidx x;
  uint64_t s = seed;
  assert_int_equal(lx_init(&x, m, nlen), 0);
  for (uint32_t j = 0; j < m; j++)
    len[j] = LX_NONE;
  for (int step = 0; step < 20000; step++) {
    uint32_t k = (uint32_t)(next_u64(&s) % m), n;
    switch (next_u64(&s) % 4) {
    case 0: /* cleared (a full queue) */
      n = LX_NONE;
      break;
    case 1: /* one longer, as a join */
      n = len[k] == LX_NONE ? 0 : len[k] + 1u < nlen ? len[k] + 1u : LX_NONE;
      break;
    case 2: /* one shorter, as a start */
      n = len[k] == LX_NONE ? nlen - 1 : len[k] ? len[k] - 1u : 0;
      break;
    default:
      n = (uint32_t)(next_u64(&s) % nlen);
    }
    lx_set(&x, k, n);
    len[k] = (uint8_t)n;
    uint32_t want_k = UINT32_MAX, got_k = UINT32_MAX;
    uint32_t want = ref_min(len, m, &want_k), got = lx_min(&x, &got_k);
    assert_int_equal(got, want);
    if (want != LX_NONE)
      assert_int_equal(got_k, want_k);
  }
  lx_destroy(&x);
}

static void test_same_as_scan(void **state) {
  (void)state;
  uint32_t sizes[] = {1, 2, 63, 64, 65, 300, 4095, LX_MAX_MEMBERS};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    for (uint64_t seed = 1; seed <= 3; seed++)
      lockstep(sizes[i], seed == 1 ? 1 : seed == 2 ? 17 : LX_MAX_LEN, 7 * seed + sizes[i]);
}

/* Hand-made: ties go to the lowest member; clearing the last member of a
 * length moves the least to the next length. */
static void test_by_hand(void **state) {
  (void)state;
  lenidx x;
  uint32_t k = 99;
  assert_int_equal(lx_init(&x, 200, 8), 0);
  assert_int_equal(lx_min(&x, &k), LX_NONE);
  assert_int_equal(k, 99);
  lx_set(&x, 150, 2);
  lx_set(&x, 70, 2);
  lx_set(&x, 3, 5);
  assert_int_equal(lx_min(&x, &k), 2);
  assert_int_equal(k, 70);
  lx_set(&x, 70, 3);
  assert_int_equal(lx_min(&x, &k), 2);
  assert_int_equal(k, 150);
  lx_set(&x, 150, LX_NONE);
  assert_int_equal(lx_min(&x, &k), 3);
  assert_int_equal(k, 70);
  lx_set(&x, 70, LX_NONE);
  assert_int_equal(lx_min(&x, &k), 5);
  assert_int_equal(k, 3);
  lx_destroy(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_as_scan),
      cmocka_unit_test(test_by_hand),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
