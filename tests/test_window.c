#include "testutil.h"

#include <math.h>

#include "device.h"
#include "window.h"

/* The cluster's window log with `used` kept per device, as the engine does:
 * pops every entry due by t and takes its tokens off its device. The
 * admission test itself is dev_admits() (device.h). */
static void expire(win *l, uint64_t *used, double t) {
  win_entry e;
  while (win_pop_due(l, t, &e))
    used[e.dev] -= e.tokens;
}

static void add(win *l, uint64_t *used, double t, uint32_t dev, uint64_t tokens) {
  assert_int_equal(win_add(l, t, dev, tokens), 0);
  used[dev] += tokens;
}

/* C = 100 tokens per W = 10 s on one device (P large); every number below
 * is worked by hand. */
static void admits_up_to_capacity(void **state) {
  (void)state;
  win l;
  dev d = {.cap_tokens = 100, .max_par = 1000};
  assert_int_equal(win_init(&l, 10.0), 0);
  expire(&l, &d.used, 0);
  assert_true(dev_admits(&d, 100));
  assert_false(dev_admits(&d, 101));
  add(&l, &d.used, 0.0, 0, 60);
  expire(&l, &d.used, 5.0);
  assert_true(dev_admits(&d, 40)); /* 60 + 40 = 100 <= 100 */
  assert_false(dev_admits(&d, 41));
  add(&l, &d.used, 5.0, 0, 40);
  assert_int_equal(d.used, 100);
  assert_false(dev_admits(&d, 1));
  expire(&l, &d.used, 9.999);
  assert_int_equal(d.used, 100);
  expire(&l, &d.used, 10.0); /* the first leaves at 0 + 10 */
  assert_int_equal(d.used, 40);
  assert_true(dev_admits(&d, 60));
  assert_false(dev_admits(&d, 61));
  win_destroy(&l);
}

/* An admission at a counts in (a - W, a] ... up to but excluding a + W. */
static void window_edges(void **state) {
  (void)state;
  win l;
  dev d = {.cap_tokens = 100, .max_par = 1000};
  win_init(&l, 10.0);
  add(&l, &d.used, 2.0, 0, 70);
  expire(&l, &d.used, 2.0); /* admitted now: counts */
  assert_int_equal(d.used, 70);
  expire(&l, &d.used, 11.999);
  assert_int_equal(d.used, 70);
  assert_false(dev_admits(&d, 31));
  expire(&l, &d.used, 12.0); /* 2 + 10 <= 12: out */
  assert_int_equal(d.used, 0);
  assert_true(dev_admits(&d, 100));
  assert_int_equal(l.n, 0);
  win_destroy(&l);
}

static void expires_oldest_first(void **state) {
  (void)state;
  win l;
  uint64_t used[1] = {0};
  win_init(&l, 10.0);
  add(&l, used, 1.0, 0, 100);
  add(&l, used, 2.0, 0, 200);
  add(&l, used, 3.0, 0, 300);
  assert_close(win_next_expiry(&l), 11.0, 0);
  expire(&l, used, 12.5);
  assert_int_equal(used[0], 300);
  assert_close(win_next_expiry(&l), 13.0, 0);
  expire(&l, used, 13.0);
  assert_int_equal(used[0], 0);
  assert_true(isinf(win_next_expiry(&l)));
  win_destroy(&l);
}

static void oversize_never_fits(void **state) {
  (void)state;
  dev d = {.cap_tokens = 50, .max_par = 1};
  assert_false(dev_admits(&d, 51));
  assert_false(dev_admits(&d, UINT64_MAX));
  d.inflight = 1; /* and no request fits without a free slot */
  assert_false(dev_admits(&d, 1));
}

/* One log for several devices: entries leave in admission order and each
 * takes its tokens off its own device only; equal admission times leave
 * together. */
static void devices_share_the_log(void **state) {
  (void)state;
  win l;
  uint64_t used[3] = {0};
  win_init(&l, 4.0);
  add(&l, used, 0.0, 2, 30);
  add(&l, used, 1.0, 0, 10);
  add(&l, used, 1.0, 1, 20);
  add(&l, used, 3.5, 0, 5);
  expire(&l, used, 3.999);
  assert_int_equal(used[0], 15);
  assert_int_equal(used[1], 20);
  assert_int_equal(used[2], 30);
  expire(&l, used, 4.0); /* 0 + 4: device 2's only admission */
  assert_int_equal(used[2], 0);
  assert_int_equal(used[0], 15);
  expire(&l, used, 5.0); /* 1 + 4: both admissions at 1 */
  assert_int_equal(used[0], 5);
  assert_int_equal(used[1], 0);
  expire(&l, used, 7.49);
  assert_int_equal(used[0], 5);
  expire(&l, used, 7.5);
  assert_int_equal(used[0], 0);
  assert_int_equal(l.n, 0);
  win_destroy(&l);
}

/* The ring grows past its first size and keeps FIFO order across the wrap. */
static void ring_grows_and_wraps(void **state) {
  (void)state;
  win l;
  uint64_t used[3] = {0};
  win_init(&l, 5.0);
  double t = 0;
  for (int i = 0; i < 1000; i++, t += 0.01) {
    expire(&l, used, t);
    add(&l, used, t, (uint32_t)(i % 3), (uint64_t)(i % 7) + 1);
  }
  /* At t = 9.99 the log holds admissions in (4.99, 9.99]: i = 500..999. */
  uint64_t want[3] = {0};
  for (int i = 500; i < 1000; i++)
    want[i % 3] += (uint64_t)(i % 7) + 1;
  expire(&l, used, 9.99 + 1e-9);
  for (int k = 0; k < 3; k++)
    assert_int_equal(used[k], want[k]);
  assert_int_equal(l.n, 500);
  win_destroy(&l);
}

/* The log stops at its bound (window.h) instead of growing: an admission
 * past it fails and leaves the log as it was; win_full() says why. */
static void log_is_bounded(void **state) {
  (void)state;
  win l;
  assert_int_equal(win_init(&l, 10), 0);
  l.max = 100; /* WIN_MAX_ENTRIES is 2^26: the same rule, cheaper to reach */
  for (int i = 0; i < 100; i++)
    assert_int_equal(win_add(&l, i * 0.01, 0, 1), 0);
  assert_true(win_full(&l));
  assert_int_equal(win_add(&l, 1.0, 0, 1), -1);
  assert_int_equal(l.n, 100);
  win_entry e;
  assert_int_equal(win_pop_due(&l, 10.0, &e), 1); /* the first left at 0 + W */
  assert_false(win_full(&l));
  assert_int_equal(win_add(&l, 10.0, 0, 1), 0);
  assert_true(WIN_MAX_ENTRIES * sizeof(win_entry) == (size_t)1 << 30); /* 1 GiB */
  win_destroy(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(log_is_bounded),       cmocka_unit_test(admits_up_to_capacity),
      cmocka_unit_test(window_edges),         cmocka_unit_test(expires_oldest_first),
      cmocka_unit_test(oversize_never_fits),  cmocka_unit_test(devices_share_the_log),
      cmocka_unit_test(ring_grows_and_wraps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
