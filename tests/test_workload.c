#include "scenario.h"
#include "testutil.h"

#include <math.h>

#include "workload.h"

static const char *STEPS =
    "{\"duration_s\": 6000, \"workload\": {\"users\": 30, \"step_s\": 60, \"p_active\": 0.25,"
    " \"burst\": {\"every_s\": 600, \"length_s\": 120, \"p_active\": 0.75}, \"tokens\": 100},"
    " \"devices\": [{\"token_capacity\": 100, \"max_parallel\": 1, \"tgs\": 10, \"ttft_s\": 0,"
    " \"power_active_w\": 1, \"power_idle_w\": 0}], \"limiter\": {\"window_s\": 60},"
    " \"dispatch\": {\"policy\": \"random\"}}";

/* Arrivals are ordered, inside their step, and each step's count follows
 * Binomial(30, p) with p = 0.75 in the first two steps of every 10. */
static void steps_follow_the_paper(void **state) {
  (void)state;
  scn *s = tu_load(STEPS, NULL, 0);
  wl w;
  assert_int_equal(wl_init(&w, s, 5), 0);
  double count[100] = {0}, prev = 0;
  for (double t = wl_next(&w); t < INFINITY; t = wl_next(&w)) {
    assert_true(t >= prev && t < 6000);
    count[(int)(t / 60)]++;
    prev = t;
  }
  double burst = 0, calm = 0;
  for (int k = 0; k < 100; k++) {
    assert_true(count[k] <= 30);
    if (k % 10 < 2)
      burst += count[k];
    else
      calm += count[k];
  }
  /* 20 burst steps: mean 22.5, sd of the sum sqrt(20*30*.75*.25) = 10.6 */
  assert_true(fabs(burst - 20 * 22.5) < 4 * 10.61);
  /* 80 calm steps: mean 7.5, sd of the sum sqrt(80*30*.25*.75) = 21.2 */
  assert_true(fabs(calm - 80 * 7.5) < 4 * 21.21);
  wl_destroy(&w);
  scn_free(s);
}

/* p_active = 1: exactly one request per user per step, none at or after
 * the horizon even when it cuts a step. */
static void horizon_cuts_the_last_step(void **state) {
  (void)state;
  const char *sets[] = {"duration_s=150", "workload.p_active=1", "workload.users=3",
                        "workload.burst.p_active=1"};
  scn *s = tu_load(STEPS, sets, 4);
  wl w;
  wl_init(&w, s, 1);
  int n = 0, in_last = 0;
  for (double t = wl_next(&w); t < INFINITY; t = wl_next(&w), n++) {
    assert_true(t < 150);
    in_last += t >= 120;
  }
  assert_int_equal(n - in_last, 6); /* two whole steps of 3 users */
  assert_true(in_last <= 3);
  wl_destroy(&w);
  scn_free(s);
}

/* Poisson: count over the horizon within 4 sd of rate * T. */
static void poisson_rate(void **state) {
  (void)state;
  const char *sets[] = {"workload={\"kind\": \"poisson\", \"rate_per_s\": 2.5, \"tokens\": 10}"};
  scn *s = tu_load(STEPS, sets, 1);
  wl w;
  wl_init(&w, s, 9);
  double n = 0, prev = 0;
  for (double t = wl_next(&w); t < INFINITY; t = wl_next(&w), n++) {
    assert_true(t >= prev);
    prev = t;
  }
  assert_true(fabs(n - 15000) < 4 * sqrt(15000));
  wl_destroy(&w);
  scn_free(s);
}

static void same_seed_same_arrivals(void **state) {
  (void)state;
  scn *s = tu_load(STEPS, NULL, 0);
  wl a, b;
  wl_init(&a, s, 3);
  wl_init(&b, s, 3);
  for (int i = 0; i < 1000; i++)
    assert_true(wl_next(&a) == wl_next(&b));
  wl_destroy(&a);
  wl_destroy(&b);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(steps_follow_the_paper),
      cmocka_unit_test(horizon_cuts_the_last_step),
      cmocka_unit_test(poisson_rate),
      cmocka_unit_test(same_seed_same_arrivals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
