/* Statistics over replications: definitions checked on hand-computed data,
 * and the Student-t quantile (not 1.96) for small n. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "summary.h"

static sum_acc of(const double *x, size_t n) {
  sum_acc a;
  sum_init(&a);
  for (size_t i = 0; i < n; i++)
    sum_add(&a, x[i]);
  return a;
}

static void t_quantile_small_n(void **state) {
  (void)state;
  /* N = 5 replications: 4 degrees of freedom, t = 2.776 (tables), not 1.96 */
  assert_true(fabs(sum_t975(4) - 2.776) < 5e-4);
  assert_true(fabs(sum_t975(1) - 12.706) < 5e-4);
  assert_true(fabs(sum_t975(19) - 2.093) < 5e-4);
  assert_true(fabs(sum_t975(1e7) - 1.95996) < 1e-4);
  assert_true(isnan(sum_t975(0)));
}

static void mean_std_ci_by_hand(void **state) {
  (void)state;
  const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
  sum_acc a = of(x, 8);
  assert_true(fabs(sum_mean(&a) - 5) < 1e-12);
  assert_true(fabs(sum_std(&a) - sqrt(32.0 / 7)) < 1e-12); /* sample std: n - 1 */
  assert_true(fabs(sum_ci95(&a) - 2.364624 * sqrt(32.0 / 7) / sqrt(8)) < 1e-6);
  assert_true(a.min == 2 && a.max == 9 && a.n == 8);
}

static void five_replications_use_t(void **state) {
  (void)state;
  const double x[] = {1, 2, 3, 4, 5}; /* std = sqrt(2.5) */
  sum_acc a = of(x, 5);
  double se = sqrt(2.5) / sqrt(5);
  assert_true(fabs(sum_ci95(&a) / se - 2.776) < 5e-4);
}

static void degenerate_cases(void **state) {
  (void)state;
  const double one = 3, same[] = {7, 7, 7};
  sum_acc a = of(&one, 1), b = of(same, 3);
  assert_true(sum_std(&a) == 0 && isnan(sum_ci95(&a)));
  assert_true(sum_std(&b) == 0 && sum_ci95(&b) == 0);
  assert_true(isnan(sum_ci95_unpaired(&a, &b)));
}

static void welford_is_stable(void **state) {
  (void)state;
  const double x[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
  sum_acc a = of(x, 3);
  assert_true(fabs(sum_std(&a) - 1) < 1e-6);
}

static void welch_unpaired(void **state) {
  (void)state;
  /* equal n and variances: df = 2(n - 1), se = sqrt(2 s^2 / n) */
  const double x[] = {1, 2, 3, 4, 5}, y[] = {11, 12, 13, 14, 15};
  sum_acc a = of(x, 5), b = of(y, 5);
  double want = sum_t975(8) * sqrt(2 * 2.5 / 5);
  assert_true(fabs(sum_ci95_unpaired(&a, &b) - want) < 1e-12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(t_quantile_small_n),      cmocka_unit_test(mean_std_ci_by_hand),
      cmocka_unit_test(five_replications_use_t), cmocka_unit_test(degenerate_cases),
      cmocka_unit_test(welford_is_stable),       cmocka_unit_test(welch_unpaired),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
