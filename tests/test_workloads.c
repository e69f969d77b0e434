/* test_workloads.c: the arrival processes of issue 11 (onoff, mmpp,
 * diurnal) and the trace's token scales, against theory.
 *
 * Counts are checked over replications (independent seeds): the sample
 * mean of R counts within 3 standard errors of the theoretical mean, and
 * where the variance is known, the sample variance within 4 of its
 * standard errors.
 */
#include "scenario.h"
#include "testutil.h"

#include <gsl/gsl_linalg.h>
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
  double m4;        /* fourth central moment, for the variance's standard error */
  int r;
} moments;

static moments moments_of(const double *x, int r) {
  moments m = {0, 0, 0, r};
  for (int i = 0; i < r; i++)
    m.mean += x[i] / r;
  for (int i = 0; i < r; i++) {
    double d = (x[i] - m.mean) * (x[i] - m.mean);
    m.var += d / (r - 1), m.m4 += d * d / r;
  }
  return m;
}

static moments replicate(const scn *s, int r, uint64_t seed0) {
  double *x = malloc((size_t)r * sizeof *x);
  assert_non_null(x);
  for (int i = 0; i < r; i++)
    x[i] = run(s, seed0 + (uint64_t)i, NULL, 0, 0);
  moments m = moments_of(x, r);
  free(x);
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

/* The sample variance within 4 of its standard errors of `var`:
 * se(s^2) = sqrt((m4 - s^4) / R), from the sample's own fourth moment
 * (counts of modulated processes are far from normal). */
static void var_is(moments m, double var) {
  double se = sqrt((m.m4 - m.var * m.var) / m.r);
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

/* ---- mmpp ---------------------------------------------------------------------- */

/* pi Q = 0, sum pi = 1 by GSL's LU: Q^T with its last row replaced by ones. */
static void stationary_lu(size_t k, const double *q, double *pi) {
  gsl_matrix *a = gsl_matrix_alloc(k, k);
  gsl_vector *b = gsl_vector_calloc(k), *x = gsl_vector_alloc(k);
  gsl_permutation *perm = gsl_permutation_alloc(k);
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++)
      gsl_matrix_set(a, i, j, i == k - 1 ? 1 : q[j * k + i]);
  gsl_vector_set(b, k - 1, 1);
  int sign;
  gsl_linalg_LU_decomp(a, perm, &sign);
  gsl_linalg_LU_solve(a, perm, b, x);
  for (size_t i = 0; i < k; i++)
    pi[i] = gsl_vector_get(x, i);
  gsl_matrix_free(a), gsl_vector_free(b), gsl_vector_free(x), gsl_permutation_free(perm);
}

/* A 3-state generator, started stationary: E N(T) = (pi . rates) T. */
static void mmpp_generator_mean_is_pi_dot_rates(void **state) {
  (void)state;
  const double q[9] = {-0.5, 0.3, 0.2, 0.1, -0.4, 0.3, 1.0, 1.0, -2.0};
  const double rates[3] = {1, 8, 30};
  double pi[3], mean = 0, T = 400;
  stationary_lu(3, q, pi);
  for (int i = 0; i < 3; i++)
    mean += pi[i] * rates[i] * T;
  scn *s = load("{\"kind\": \"mmpp\", \"rates\": [1, 8, 30], \"generator\": [[-0.5, 0.3, 0.2],"
                " [0.1, -0.4, 0.3], [1, 1, -2]], \"initial_state\": \"stationary\","
                " \"tokens\": 10}",
                T);
  print_message("  pi = (%.6f, %.6f, %.6f), pi . rates = %.6f /s\n", pi[0], pi[1], pi[2], mean / T);
  assert_close(scn_expected_requests(s), mean, 1e-6);
  mean_is(replicate(s, 300, 7), mean);
  scn_free(s);
}

/* sojourn_s with uniform jumps: the embedded chain is uniform, so pi is
 * proportional to the sojourns, (1, 2, 3) / 6 (by hand). From a fixed
 * start the count over a long run approaches pi . rates T; batch means
 * over one long run (its first batch dropped as warm-up). */
static void mmpp_sojourn_batch_means(void **state) {
  (void)state;
  const int batches = 40;
  const double width = 500;
  scn *s = load("{\"kind\": \"mmpp\", \"rates\": [6, 0, 2], \"sojourn_s\": [1, 2, 3],"
                " \"tokens\": 10}",
                width * (batches + 1));
  double rate = (6 * 1 + 0 * 2 + 2 * 3) / 6.0;                     /* 2 per second */
  assert_close(scn_expected_requests(s), 6 * s->duration_s, 1e-9); /* the bound: max rate */
  double bins[41] = {0};
  run(s, 11, bins, width, batches + 1);
  mean_is(moments_of(bins + 1, batches), rate * width);
  scn_free(s);
}

/* A 2-state mmpp with rates (r, 0) is onoff: the same count distribution
 * (compared by mean and variance, each also against theory). */
static void mmpp_two_states_is_onoff(void **state) {
  (void)state;
  double T = 300;
  scn *a = load("{\"kind\": \"mmpp\", \"rates\": [10, 0], \"generator\": [[-0.25, 0.25],"
                " [0.5, -0.5]], \"initial_state\": \"stationary\", \"tokens\": 10}",
                T);
  scn *b = load("{\"kind\": \"onoff\", \"rate_per_s\": 10, \"on_mean_s\": 4, \"off_mean_s\": 2,"
                " \"start\": \"stationary\", \"tokens\": 10}",
                T);
  moments ma = replicate(a, 500, 1000), mb = replicate(b, 500, 5000);
  double mean = 10 * T * 4 / 6, var = ipp_var(10, 4, 2, T);
  mean_is(ma, mean), mean_is(mb, mean);
  var_is(ma, var), var_is(mb, var);
  double se = sqrt(ma.var / ma.r + mb.var / mb.r);
  print_message("  mmpp - onoff: mean %+.4g (z = %+.2f), variance ratio %.4f\n", ma.mean - mb.mean,
                (ma.mean - mb.mean) / se, ma.var / mb.var);
  assert_true(fabs(ma.mean - mb.mean) < 3 * se);
  double sev = sqrt((ma.m4 - ma.var * ma.var) / ma.r + (mb.m4 - mb.var * mb.var) / mb.r);
  assert_true(fabs(ma.var - mb.var) < 4 * sev);
  scn_free(a), scn_free(b);
}

/* One state: Poisson, mean and variance r T. */
static void mmpp_one_state_is_poisson(void **state) {
  (void)state;
  scn *s = load("{\"kind\": \"mmpp\", \"rates\": [3], \"generator\": [[0]], \"tokens\": 10}", 100);
  moments m = replicate(s, 400, 3);
  mean_is(m, 300);
  var_is(m, 300);
  scn_free(s);
}

/* ---- diurnal ------------------------------------------------------------------- */

/* The profile's rate at time of day x, by its own definition: linear
 * between the points around x, periodic (written apart from the kind). */
static double profile_at(const double (*pt)[2], int n, double period, double x) {
  x = fmod(x, period);
  for (int i = 0; i < n; i++) {
    double a = pt[i][0], ra = pt[i][1];
    double b = i + 1 < n ? pt[i + 1][0] : pt[0][0] + period, rb = pt[(i + 1) % n][1];
    double y = x < pt[0][0] ? x + period : x; /* before the first point: the wrap segment */
    if (y >= a && y < b)
      return ra + (rb - ra) * (y - a) / (b - a);
  }
  return NAN;
}

/* Hour buckets over 20 days: each bucket's count is Poisson with mean 20
 * times the profile's integral over the hour (trapezoids at 1 s steps,
 * exact as every point is at a whole second); chi-square with 24 degrees
 * of freedom below 51.18 (p = 0.001), and every |z| < 4.5. The first point
 * is not at 0, so the run starts inside the wrap segment. */
static void diurnal_hourly_counts_chi_square(void **state) {
  (void)state;
  static const double pt[4][2] = {{3600, 0.1}, {30000, 0.8}, {50000, 1.2}, {80000, 0.3}};
  const int days = 20;
  scn *s = load("{\"kind\": \"diurnal\", \"profile\": [[3600, 0.1], [30000, 0.8], [50000, 1.2],"
                " [80000, 0.3]], \"tokens\": 10}",
                days * 86400.0);
  double want[24] = {0}, got[24] = {0}, total = 0;
  for (int h = 0; h < 24; h++) {
    for (int x = h * 3600; x < (h + 1) * 3600; x++)
      want[h] += (profile_at(pt, 4, 86400, x) + profile_at(pt, 4, 86400, x + 1)) / 2;
    want[h] *= days;
    total += want[h];
  }
  assert_close(scn_expected_requests(s), total, 1e-6 * total);
  run(s, 21, got, 3600, 24);
  double chi2 = 0, zmax = 0, n = 0;
  for (int h = 0; h < 24; h++) {
    double z = (got[h] - want[h]) / sqrt(want[h]);
    chi2 += z * z, zmax = fmax(zmax, fabs(z)), n += got[h];
  }
  print_message("  %d days, %.0f arrivals (theory %.1f): chi-square %.2f (24 df), max |z| %.2f\n",
                days, n, total, chi2, zmax);
  assert_true(chi2 < 51.18);
  assert_true(zmax < 4.5);
  scn_free(s);
}

/* A constant profile is Poisson: mean and variance rate T, as poisson's. */
static void diurnal_constant_is_poisson(void **state) {
  (void)state;
  const char *wls[] = {"{\"kind\": \"diurnal\", \"profile\": [[40000, 2.5]], \"tokens\": 10}",
                       "{\"kind\": \"diurnal\", \"profile\": [[0, 2.5], [600, 2.5]],"
                       " \"period_s\": 1000, \"tokens\": 10}",
                       "{\"kind\": \"poisson\", \"rate_per_s\": 2.5, \"tokens\": 10}"};
  for (int i = 0; i < 3; i++) {
    scn *s = load(wls[i], 2000);
    assert_close(scn_expected_requests(s), 5000, 1e-9);
    moments m = replicate(s, 200, 40);
    mean_is(m, 5000);
    var_is(m, 5000);
    scn_free(s);
  }
}

/* expected() by hand: a triangle 0 -> 1 -> 0 over a day has 5400 requests
 * in its first 6 hours and 43200 per day; over a 10 s period 0 -> 2 -> 0,
 * 1.25 in the first 2.5 s. */
static void diurnal_expected_by_hand(void **state) {
  (void)state;
  const char *tri = "{\"kind\": \"diurnal\", \"profile\": [[0, 0], [43200, 1]], \"tokens\": 10}";
  const char *fast = "{\"kind\": \"diurnal\", \"profile\": [[0, 0], [5, 2]], \"period_s\": 10,"
                     " \"tokens\": 10}";
  double cases[][3] = {{0, 21600, 5400},  {0, 86400 + 21600, 48600},
                       {0, 86400, 43200}, {1, 2.5, 1.25},
                       {1, 10, 10},       {1, 1002.5, 1001.25}};
  for (int i = 0; i < 6; i++) {
    scn *s = load(cases[i][0] ? fast : tri, cases[i][1]);
    assert_close(scn_expected_requests(s), cases[i][2], 1e-9 * cases[i][2]);
    scn_free(s);
  }
}

/* ---- trace token scales ---------------------------------------------------------- */

/* Rounding half up on the double product, output at least 1, prompt 0
 * allowed: the tokens of each row under (token_scale, prompt_scale). */
static void trace_token_scale_rounding(void **state) {
  (void)state;
  char csv[512]; /* tu_write's buffer is reused by the next call */
  snprintf(csv, sizeof csv, "%s",
           tu_write("t.csv", "TIME,PROMPT,OUTPUT\n0,0,1\n1,1,2\n2,3,3\n3,5,5\n4,7,7\n"
                             "5,15,15\n6,1000000000,1000000000\n"));
  const char *name = strrchr(csv, '/') + 1; /* beside the scenario */
  struct {
    double ts, ps;
    uint64_t out[7], in[7];
  } cases[] = {
      /* 1: the trace's own counts */
      {1, 1, {1, 2, 3, 5, 7, 15, 1000000000}, {0, 1, 3, 5, 7, 15, 1000000000}},
      /* 0.5: 0.5 -> 1, 1.5 -> 2, 2.5 -> 3, 3.5 -> 4 (half up, not to even) */
      {0.5, 0.5, {1, 1, 2, 3, 4, 8, 500000000}, {0, 1, 2, 3, 4, 8, 500000000}},
      /* 0.1: 0.1 -> 0, so 1 for output; 5 * 0.1 = 0.5 -> 1; 15 * 0.1 = 1.5000000000000002 -> 2 */
      {0.1, 0.1, {1, 1, 1, 1, 1, 2, 100000000}, {0, 0, 0, 1, 1, 2, 100000000}},
      /* 0.4 on prompts: 0.4 -> 0, 1.2 -> 1, 2 -> 2, 2.8 -> 3; 1/3 on outputs: 0.33 -> 0 -> 1,
       * 0.67 -> 1, 1 -> 1, 1.67 -> 2, 2.33 -> 2, 5 -> 5 */
      {1.0 / 3, 0.4, {1, 1, 1, 2, 2, 5, 333333333}, {0, 0, 1, 2, 3, 6, 400000000}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    char wl_json[512];
    snprintf(wl_json, sizeof wl_json,
             "{\"kind\": \"trace\", \"file\": \"%s\", \"token_scale\": %.17g,"
             " \"prompt_scale\": %.17g}",
             name, cases[c].ts, cases[c].ps);
    scn *s = load(wl_json, 100);
    wl w;
    assert_int_equal(wl_init(&w, s, 1), 0);
    for (int i = 0; i < 7; i++) {
      assert_true(wl_next(&w) == i);
      if (w.a.tokens != cases[c].out[i] || w.a.prompt != cases[c].in[i])
        fail_msg("scales (%g, %g), row %d: got (%llu, %llu), want (%llu, %llu)", cases[c].ts,
                 cases[c].ps, i, (unsigned long long)w.a.prompt, (unsigned long long)w.a.tokens,
                 (unsigned long long)cases[c].in[i], (unsigned long long)cases[c].out[i]);
    }
    assert_true(wl_next(&w) == INFINITY);
    wl_destroy(&w);
    scn_free(s);
  }
  unlink(csv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(onoff_stationary_mean_and_variance),
      cmocka_unit_test(onoff_transient_mean),
      cmocka_unit_test(mmpp_generator_mean_is_pi_dot_rates),
      cmocka_unit_test(mmpp_sojourn_batch_means),
      cmocka_unit_test(mmpp_two_states_is_onoff),
      cmocka_unit_test(mmpp_one_state_is_poisson),
      cmocka_unit_test(diurnal_hourly_counts_chi_square),
      cmocka_unit_test(diurnal_constant_is_poisson),
      cmocka_unit_test(diurnal_expected_by_hand),
      cmocka_unit_test(trace_token_scale_rounding),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
