/* test_workloads.c: the arrival processes of issue 11 (onoff, mmpp,
 * diurnal) and the trace's token scales, against theory.
 *
 * Counts are checked over replications (independent seeds): the sample
 * mean of R counts within 3 standard errors of the theoretical mean, and
 * where the variance is known, the sample variance within 4 of its
 * standard errors (normal approximation, se(s^2) ~ s^2 sqrt(2/(R-1))).
 */
#include "scenario.h"
#include "testutil.h"

#include <math.h>

#include "workload.h"

static const char *BASE =
    "{\"duration_s\": 1000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 1,"
    " \"tokens\": 10}, \"devices\": [{\"token_capacity\": 100, \"max_parallel\": 1, \"tgs\": 10,"
    " \"ttft_s\": 0, \"power_active_w\": 1, \"power_idle_w\": 0}],"
    " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"}}";

/* Loads BASE with `workload` (JSON text) and duration_s. */
static scn *load(const char *workload, double duration_s) {
  static char set_wl[4096], set_d[64];
  snprintf(set_wl, sizeof set_wl, "workload=%s", workload);
  snprintf(set_d, sizeof set_d, "duration_s=%.17g", duration_s);
  const char *sets[] = {set_wl, set_d};
  return tu_load(BASE, sets, 2);
}

/* Arrivals of one run, checked in order and in [0, duration_s). If `bins`,
 * each arrival is counted in bins[(int)(t / width) % nbins]. */
static double run(const scn *s, uint64_t seed, double *bins, double width, int nbins) {
  wl w;
  assert_int_equal(wl_init(&w, s, seed), 0);
  double n = 0, prev = 0;
  for (double t = wl_next(&w); t < INFINITY; t = wl_next(&w), n++) {
    assert_true(t >= prev && t < s->duration_s);
    if (bins)
      bins[(long)(t / width) % nbins]++;
    prev = t;
  }
  assert_int_equal(w.err.code, 0);
  wl_destroy(&w);
  return n;
}

typedef struct moments {
  double mean, var; /* sample mean and variance of the counts */
  int r;
} moments;

static moments replicate(const scn *s, int r, uint64_t seed0) {
  double sum = 0, sum2 = 0;
  for (int i = 0; i < r; i++) {
    double n = run(s, seed0 + (uint64_t)i, NULL, 0, 0);
    sum += n, sum2 += n * n;
  }
  moments m = {sum / r, 0, r};
  m.var = (sum2 - r * m.mean * m.mean) / (r - 1);
  return m;
}

/* The sample mean within 3 standard errors of `mean`. */
static void mean_is(moments m, double mean) {
  double se = sqrt(m.var / m.r);
  print_message("  mean count %.6g, theory %.6g (z = %+.2f, R = %d)\n", m.mean, mean,
                (m.mean - mean) / se, m.r);
  if (fabs(m.mean - mean) > 3 * se)
    fail_msg("mean count %.6g, theory %.6g, se %.3g (z = %.2f)", m.mean, mean, se,
             (m.mean - mean) / se);
}

/* The sample variance within 4 of its standard errors of `var`. */
static void var_is(moments m, double var) {
  double se = var * sqrt(2.0 / (m.r - 1));
  print_message("  count variance %.6g, theory %.6g (z = %+.2f)\n", m.var, var, (m.var - var) / se);
  if (fabs(m.var - var) > 4 * se)
    fail_msg("count variance %.6g, theory %.6g, se %.3g", m.var, var, se);
}

/* ---- onoff -------------------------------------------------------------------- */

/* Stationary interrupted Poisson process: E N(T) = r p T and
 * Var N(T) = r p T + 2 r^2 p (1 - p) / c (T - (1 - e^(-cT)) / c),
 * p = on / (on + off), c = 1/on + 1/off. */
static double ipp_var(double r, double on, double off, double T) {
  double p = on / (on + off), c = 1 / on + 1 / off;
  return r * p * T + 2 * r * r * p * (1 - p) / c * (T + expm1(-c * T) / c);
}

static void onoff_stationary_mean_and_variance(void **state) {
  (void)state;
  scn *s = load("{\"kind\": \"onoff\", \"rate_per_s\": 10, \"on_mean_s\": 2, \"off_mean_s\": 8,"
                " \"start\": \"stationary\", \"tokens\": 10}",
                500);
  assert_close(scn_expected_requests(s), 10 * 0.2 * 500, 1e-9);
  moments m = replicate(s, 400, 1);
  mean_is(m, 1000);
  var_is(m, ipp_var(10, 2, 8, 500));
  scn_free(s);
}

/* Starting on (the default) or off: E N(T) = r (p T + (s0 - p)(1 - e^(-cT))/c). */
static void onoff_transient_mean(void **state) {
  (void)state;
  const char *wls[] = {"{\"kind\": \"onoff\", \"rate_per_s\": 50, \"on_mean_s\": 1,"
                       " \"off_mean_s\": 3, \"tokens\": 10}",
                       "{\"kind\": \"onoff\", \"rate_per_s\": 50, \"on_mean_s\": 1,"
                       " \"off_mean_s\": 3, \"start\": \"off\", \"tokens\": 10}"};
  double s0[] = {1, 0}, p = 0.25, c = 1 + 1.0 / 3, T = 2;
  for (int i = 0; i < 2; i++) {
    scn *s = load(wls[i], T);
    double mean = 50 * (p * T + (s0[i] - p) * -expm1(-c * T) / c);
    assert_close(scn_expected_requests(s), mean, 1e-9);
    mean_is(replicate(s, 4000, 100), mean);
    scn_free(s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(onoff_stationary_mean_and_variance),
      cmocka_unit_test(onoff_transient_mean),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
