/* test_evq.c: the FIFO-per-class completion queue (winner tree over the
 * class heads) leaves events in exactly the plain heap's (t, ord) order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evq.h"

static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DULL;
}

/* Schedules events like the engine (time t of an arrival plus the service
 * time of a random class; t never decreases, classes share service times so
 * equal completion times are common) into a FIFO queue and a plain one, and
 * pops both in lockstep at random moments. */
static void lockstep(uint64_t seed, size_t nq) {
  static const double service[] = {0.5, 1.0, 0.5, 2.25, 1.0, 0.25, 3.0};
  uint64_t s = seed;
  evq fifo, plain;
  assert_int_equal(evq_init(&fifo, nq, 0), 0);
  assert_int_equal(evq_init(&plain, 0, 4), 0);
  double t = 0;
  uint64_t seq = 0, popped = 0;
  for (int k = 0; k < 20000; k++) {
    t += (double)(next_u64(&s) % 4) * 0.25;
    /* completions due by t first, as the engine does */
    while (evq_next_t(&plain) <= t) {
      assert_true(evq_next_t(&fifo) == evq_next_t(&plain));
      heap_ev a, b;
      evq_pop(&fifo, &a);
      evq_pop(&plain, &b);
      assert_true(a.t == b.t);
      assert_int_equal(a.ord, b.ord);
      assert_int_equal(a.kind, b.kind);
      assert_int_equal(a.arg, b.arg);
      popped++;
    }
    assert_true(evq_next_t(&fifo) > t);
    for (uint64_t m = next_u64(&s) % 3; m > 0; m--) {
      size_t c = next_u64(&s) % nq;
      heap_ev ev = {t + service[c % 7], seq++, 1, (uint32_t)(next_u64(&s) % 1000)};
      assert_int_equal(evq_push(&fifo, c, ev), 0);
      assert_int_equal(evq_push(&plain, 0, ev), 0);
    }
  }
  assert_true(popped > 10000);
  evq_destroy(&fifo);
  evq_destroy(&plain);
}

static void test_same_order_as_heap(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 10; seed++) {
    lockstep(seed, 1);
    lockstep(seed, 7);
    lockstep(seed, 40);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_order_as_heap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
