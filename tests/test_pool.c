/* test_pool.c: the free-list pool against a plain reference (a set of the
 * indices handed out), and its bound: capacity follows the most records
 * held at once, not the number ever handed out. */
#include "testutil.h"

#include <string.h>

#include "pool.h"

typedef struct rec {
  uint64_t id;
  double x;
} rec;

enum { N = 5000 };

static void hands_out_distinct_indices_and_keeps_records(void **state) {
  (void)state;
  pool p;
  pool_init(&p, sizeof(rec));
  static unsigned char held[1 << 14]; /* reference: held[k] = index k is out */
  static uint32_t out[N];
  memset(held, 0, sizeof held);
  size_t n = 0, peak = 0;
  uint64_t x = 7, next_id = 0;
  for (int step = 0; step < 200000; step++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int get = n == 0 || (n < N && (x >> 60) < 9); /* more gets than puts, then a plateau */
    if (get) {
      uint32_t k;
      assert_int_equal(pool_get(&p, &k), 0);
      assert_true(k < p.cap);
      assert_false(held[k]); /* never an index already out */
      held[k] = 1;
      ((rec *)p.rec)[k] = (rec){next_id, (double)next_id};
      out[n++] = k;
      next_id++;
    } else {
      size_t j = (size_t)((x >> 20) % n);
      uint32_t k = out[j];
      const rec *r = (const rec *)p.rec + k;
      assert_true(r->x == (double)r->id); /* survived every growth in between */
      held[k] = 0;
      pool_put(&p, k);
      out[j] = out[--n];
    }
    assert_int_equal(p.used, n);
    if (n > peak)
      peak = n;
  }
  /* doubling from 64: the capacity is the smallest 64 * 2^j >= peak */
  uint32_t want = 64;
  while (want < peak)
    want *= 2;
  assert_int_equal(p.cap, want);
  assert_true(p.cap < sizeof held);
  pool_destroy(&p);
  assert_null(p.rec);
  assert_int_equal(p.cap, 0);
}

static void reuses_the_last_returned_index_first(void **state) {
  (void)state;
  pool p;
  pool_init(&p, sizeof(rec));
  uint32_t a, b, c;
  assert_int_equal(pool_get(&p, &a), 0);
  assert_int_equal(pool_get(&p, &b), 0);
  assert_int_equal(a, 0);
  assert_int_equal(b, 1);
  pool_put(&p, a);
  assert_int_equal(pool_get(&p, &c), 0);
  assert_int_equal(c, a);
  assert_int_equal(p.used, 2);
  assert_int_equal(p.cap, 64);
  pool_destroy(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hands_out_distinct_indices_and_keeps_records),
      cmocka_unit_test(reuses_the_last_returned_index_first),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
