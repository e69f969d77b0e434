#include "testutil.h"

#include "heap.h"

static void pops_in_time_order(void **state) {
  (void)state;
  heap h;
  heap_init(&h);
  uint64_t x = 12345;
  for (uint64_t i = 0; i < 5000; i++) { /* pseudo-random times, many ties */
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    assert_int_equal(heap_push(&h, (heap_ev){(double)(x >> 54), i, 0, 0}), 0);
  }
  heap_ev prev = {-1, 0, 0, 0}, e;
  for (int i = 0; i < 5000; i++) {
    heap_pop(&h, &e);
    assert_true(heap_less(&prev, &e));
    prev = e;
  }
  assert_null(heap_top(&h));
  heap_destroy(&h);
}

/* Equal times leave in the order they were scheduled (libuv's timer_order). */
static void equal_times_are_fifo(void **state) {
  (void)state;
  heap h;
  heap_init(&h);
  for (uint32_t i = 0; i < 100; i++)
    heap_push(&h, (heap_ev){1.0, i, 0, i});
  heap_push(&h, (heap_ev){0.5, 100, 0, 999});
  heap_ev e;
  heap_pop(&h, &e);
  assert_int_equal(e.arg, 999);
  for (uint32_t i = 0; i < 100; i++) {
    heap_pop(&h, &e);
    assert_int_equal(e.arg, i);
  }
  heap_destroy(&h);
}

/* The class bits above the sequence order events at the same time. */
static void class_before_sequence(void **state) {
  (void)state;
  heap h;
  heap_init(&h);
  heap_push(&h, (heap_ev){2.0, (1ull << 56) | 0, 0, 1});
  heap_push(&h, (heap_ev){2.0, (0ull << 56) | 5, 0, 2});
  heap_ev e;
  heap_pop(&h, &e);
  assert_int_equal(e.arg, 2);
  heap_pop(&h, &e);
  assert_int_equal(e.arg, 1);
  heap_destroy(&h);
}

static void reserve_keeps_contents(void **state) {
  (void)state;
  heap h;
  heap_init(&h);
  heap_push(&h, (heap_ev){3, 0, 0, 3});
  heap_push(&h, (heap_ev){1, 1, 0, 1});
  assert_int_equal(heap_reserve(&h, 1000), 0);
  assert_true(h.cap >= 1000);
  heap_ev e;
  heap_pop(&h, &e);
  assert_int_equal(e.arg, 1);
  heap_pop(&h, &e);
  assert_int_equal(e.arg, 3);
  heap_destroy(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pops_in_time_order),
      cmocka_unit_test(equal_times_are_fifo),
      cmocka_unit_test(class_before_sequence),
      cmocka_unit_test(reserve_keeps_contents),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
