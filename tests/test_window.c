#include "testutil.h"

#include <math.h>

#include "window.h"

/* C = 100 tokens per W = 10 s; every number below is worked by hand. */
static void admits_up_to_capacity(void **state) {
  (void)state;
  win w;
  assert_int_equal(win_init(&w, 100, 10.0), 0);
  win_expire(&w, 0);
  assert_true(win_fits(&w, 100));
  assert_false(win_fits(&w, 101));
  win_add(&w, 0.0, 60);
  win_expire(&w, 5.0);
  assert_true(win_fits(&w, 40)); /* 60 + 40 = 100 <= 100 */
  assert_false(win_fits(&w, 41));
  win_add(&w, 5.0, 40);
  assert_int_equal(w.used, 100);
  assert_false(win_fits(&w, 1));
  win_destroy(&w);
}

/* An admission at a counts in (a - W, a] ... up to but excluding a + W. */
static void window_edges(void **state) {
  (void)state;
  win w;
  win_init(&w, 100, 10.0);
  win_add(&w, 2.0, 70);
  win_expire(&w, 11.999);
  assert_int_equal(w.used, 70);
  assert_false(win_fits(&w, 31));
  win_expire(&w, 12.0); /* 2 + 10 <= 12: out */
  assert_int_equal(w.used, 0);
  assert_true(win_fits(&w, 100));
  win_destroy(&w);
}

static void expires_oldest_first(void **state) {
  (void)state;
  win w;
  win_init(&w, 1000, 10.0);
  win_add(&w, 1.0, 100);
  win_add(&w, 2.0, 200);
  win_add(&w, 3.0, 300);
  assert_close(win_next_expiry(&w), 11.0, 0);
  win_expire(&w, 12.5);
  assert_int_equal(w.used, 300);
  assert_close(win_next_expiry(&w), 13.0, 0);
  win_expire(&w, 13.0);
  assert_int_equal(w.used, 0);
  assert_true(isinf(win_next_expiry(&w)));
  win_destroy(&w);
}

static void oversize_never_fits(void **state) {
  (void)state;
  win w;
  win_init(&w, 50, 1.0);
  assert_false(win_fits(&w, 51));
  assert_false(win_fits(&w, UINT64_MAX));
  win_destroy(&w);
}

/* The ring grows past its first size and keeps FIFO order across the wrap. */
static void ring_grows_and_wraps(void **state) {
  (void)state;
  win w;
  win_init(&w, 1u << 20, 5.0);
  double t = 0;
  for (int i = 0; i < 1000; i++, t += 0.01) {
    win_expire(&w, t);
    win_add(&w, t, (uint64_t)(i % 7) + 1);
  }
  /* At t = 9.99 the log holds admissions in (4.99, 9.99]: i = 500..999. */
  uint64_t want = 0;
  for (int i = 500; i < 1000; i++)
    want += (uint64_t)(i % 7) + 1;
  win_expire(&w, 9.99 + 1e-9);
  assert_int_equal(w.used, want);
  assert_int_equal(w.n, 500);
  win_destroy(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(admits_up_to_capacity), cmocka_unit_test(window_edges),
      cmocka_unit_test(expires_oldest_first),  cmocka_unit_test(oversize_never_fits),
      cmocka_unit_test(ring_grows_and_wraps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
