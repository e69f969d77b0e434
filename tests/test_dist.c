#include "testutil.h"

#include "dist.h"
#include "rng.h"

static void constant_draws_no_random_numbers(void **state) {
  (void)state;
  dist d;
  uint64_t v = 42;
  double w = 1;
  assert_int_equal(dist_init(&d, &v, &w, 1), 0);
  gsl_rng *r = rng_stream_new(7, RNG_TOKENS), *ref = rng_stream_new(7, RNG_TOKENS);
  for (int i = 0; i < 10; i++)
    assert_int_equal(dist_draw(&d, r), 42);
  assert_int_equal(gsl_rng_get(r), gsl_rng_get(ref)); /* stream untouched */
  assert_close(dist_mean(&d), 42, 0);
  gsl_rng_free(r);
  gsl_rng_free(ref);
  dist_destroy(&d);
}

/* Frequencies match the weights: chi-square with 4 degrees of freedom. */
static void discrete_follows_weights(void **state) {
  (void)state;
  uint64_t v[] = {50, 100, 200, 300, 500};
  double w[] = {0.35, 0.25, 0.2, 0.12, 0.08};
  dist d;
  assert_int_equal(dist_init(&d, v, w, 5), 0);
  assert_close(dist_mean(&d), 158.5, 1e-12);
  assert_int_equal(dist_max(&d), 500);
  gsl_rng *r = rng_stream_new(1, RNG_TOKENS);
  double count[5] = {0};
  const int n = 200000;
  for (int i = 0; i < n; i++) {
    uint64_t x = dist_draw(&d, r);
    for (int k = 0; k < 5; k++)
      count[k] += x == v[k];
  }
  double chi2 = 0;
  for (int k = 0; k < 5; k++)
    chi2 += (count[k] - n * w[k]) * (count[k] - n * w[k]) / (n * w[k]);
  assert_true(chi2 < 18.47); /* 99.9% point of chi-square(4) */
  gsl_rng_free(r);
  dist_destroy(&d);
}

static void zero_weight_is_never_drawn(void **state) {
  (void)state;
  uint64_t v[] = {1, 2, 3};
  double w[] = {1, 0, 3};
  dist d;
  dist_init(&d, v, w, 3);
  assert_int_equal(dist_max(&d), 3);
  gsl_rng *r = rng_stream_new(3, RNG_TOKENS);
  for (int i = 0; i < 10000; i++)
    assert_int_not_equal(dist_draw(&d, r), 2);
  gsl_rng_free(r);
  dist_destroy(&d);
}

/* Streams differ from each other and between seeds, and repeat exactly. */
static void streams_are_independent_and_repeatable(void **state) {
  (void)state;
  gsl_rng *a = rng_stream_new(1, RNG_WORKLOAD), *b = rng_stream_new(1, RNG_TOKENS);
  gsl_rng *c = rng_stream_new(2, RNG_WORKLOAD), *a2 = rng_stream_new(1, RNG_WORKLOAD);
  unsigned long xa = gsl_rng_get(a), xb = gsl_rng_get(b), xc = gsl_rng_get(c);
  assert_true(xa != xb && xa != xc);
  assert_int_equal(xa, gsl_rng_get(a2));
  assert_int_equal(rng_replication_seed(9, 0), 9);
  assert_true(rng_replication_seed(9, 1) != rng_replication_seed(9, 2));
  gsl_rng_free(a);
  gsl_rng_free(b);
  gsl_rng_free(c);
  gsl_rng_free(a2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(constant_draws_no_random_numbers),
      cmocka_unit_test(discrete_follows_weights),
      cmocka_unit_test(zero_weight_is_never_drawn),
      cmocka_unit_test(streams_are_independent_and_repeatable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
