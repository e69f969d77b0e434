#include "testutil.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <math.h>

#include "hist.h"
#include "rng.h"

static double exact_quantile(const double *sorted, size_t n, double q) {
  size_t rank = (size_t)ceil(q * (double)n);
  return sorted[(rank ? rank : 1) - 1];
}

/* Percentiles within 1% of the exact nearest-rank sample, over 6 decades. */
static void quantiles_within_one_percent(void **state) {
  (void)state;
  enum { N = 100000 };
  static double x[N];
  hist h;
  hist_init(&h);
  gsl_rng *r = rng_stream_new(11, RNG_WORKLOAD);
  double sum = 0;
  for (int i = 0; i < N; i++) {
    x[i] = gsl_ran_lognormal(r, 0.0, 2.5);
    sum += x[i];
    hist_add(&h, x[i]);
  }
  gsl_sort(x, 1, N);
  const double qs[] = {0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
  for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
    double want = exact_quantile(x, N, qs[k]), got = hist_quantile(&h, qs[k]);
    assert_true(fabs(got - want) <= 0.01 * want);
  }
  assert_close(hist_mean(&h), sum / N, 1e-9 * sum / N);
  assert_close(hist_quantile(&h, 1.0), x[N - 1], 0); /* clamped to the max */
  gsl_rng_free(r);
}

static void empty_and_single(void **state) {
  (void)state;
  hist h;
  hist_init(&h);
  assert_close(hist_mean(&h), 0, 0);
  assert_close(hist_quantile(&h, 0.5), 0, 0);
  hist_add(&h, 3.25);
  assert_close(hist_quantile(&h, 0.5), 3.25, 0); /* min = max clamps exactly */
  assert_close(hist_quantile(&h, 0.99), 3.25, 0);
}

static void merge_adds_counts(void **state) {
  (void)state;
  hist a, b;
  hist_init(&a);
  hist_init(&b);
  for (int i = 1; i <= 50; i++)
    hist_add(&a, i);
  for (int i = 51; i <= 100; i++)
    hist_add(&b, i);
  hist_merge(&a, &b);
  assert_int_equal(a.n, 100);
  assert_close(hist_mean(&a), 50.5, 1e-12);
  assert_true(fabs(hist_quantile(&a, 0.5) - 50) <= 0.5);
  assert_close(a.max, 100, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(quantiles_within_one_percent),
      cmocka_unit_test(empty_and_single),
      cmocka_unit_test(merge_adds_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
