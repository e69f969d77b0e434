/* test_faults.c: device failures (sim/faults.c): long-run availability
 * against MTBF / (MTBF + MTTR), requests cut by failures (redirect or
 * drop), conservation, load_aware's index against the scan while devices
 * fail, common random numbers. */
#include "scenario.h"
#include "testrun.h"

#include <math.h>

#include "engine.h"

static es_result *run1(scn *s, uint64_t seed, int scan) {
  return tu_run(s, seed, &(es_opts){.scan_dispatch = scan});
}

static const char *CLUSTER =
    "{\"duration_s\": %g, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": %g,"
    " \"tokens\": {\"values\": [20, 100, 300], \"weights\": [2, 1, 1]}},"
    " \"devices\": [{\"name\": \"a\", \"count\": 3, \"token_capacity\": 2000, \"max_parallel\": 4,"
    " \"tgs\": 10, \"ttft_s\": 0.2, \"power_active_w\": 30, \"power_idle_w\": 10, \"failure\": %s},"
    " {\"name\": \"b\", \"count\": 2, \"token_capacity\": 1000, \"max_parallel\": 2,"
    " \"tgs\": 5, \"ttft_s\": 0.3, \"power_active_w\": 10, \"power_idle_w\": 5}],"
    " \"limiter\": {\"window_s\": 60}, \"dispatch\": {\"policy\": \"%s\"}}";

static scn *cluster(double duration, double rate, const char *failure, const char *policy) {
  char json[4096];
  snprintf(json, sizeof json, CLUSTER, duration, rate, failure, policy);
  return tu_load(json, NULL, 0);
}

static void availability(const char *failure, double expect) {
  scn *s = cluster(1000000, 0.01, failure, "random");
  enum { R = 20 };
  double sum = 0, sum2 = 0;
  int n = 0;
  for (int k = 0; k < R; k++) {
    es_result *r = run1(s, (uint64_t)k + 1, 0);
    for (int i = 0; i < 3; i++) { /* the three instances with failures */
      double a = r->dev[i].availability;
      sum += a, sum2 += a * a, n++;
      assert_close(r->dev[i].down_s, (1 - a) * 1000000, 1e-6);
    }
    assert_close(r->dev[3].availability, 1, 0);
    es_result_free(r);
  }
  double mean = sum / n, se = sqrt((sum2 - n * mean * mean) / (n - 1) / n);
  print_message("device availability %s: %.5f (expected %.5f, se %.5f)\n", failure, mean, expect,
                se);
  assert_true(fabs(mean - expect) < 3 * se);
  scn_free(s);
}

static void availability_exponential(void **state) {
  (void)state;
  availability("{\"mtbf_s\": 9000, \"mttr_s\": 1000}", 0.9);
}

static void availability_weibull(void **state) {
  (void)state;
  availability(
      "{\"mtbf_s\": 9000, \"mttr_s\": 1000, \"distribution\": \"weibull\", \"shape\": 0.6}", 0.9);
  availability(
      "{\"mtbf_s\": 9000, \"mttr_s\": 1000, \"distribution\": \"weibull\", \"shape\": 2.5}", 0.9);
}

/* Requests in flight at a failure: with on_fail "drop" they are lost, with
 * "redirect" they fail over to the cloud and are answered there; either
 * way generated = edge + cloud + dropped (es_run checks it too), the
 * generated workload is the same (common random numbers), and a failed
 * device draws less energy. */
static void cut_requests(void **state) {
  (void)state;
  scn *base = cluster(20000, 2, "{\"mtbf_s\": 1e9, \"mttr_s\": 1}", "random");
  scn *drop =
      cluster(20000, 2, "{\"mtbf_s\": 1000, \"mttr_s\": 300, \"on_fail\": \"drop\"}", "random");
  scn *redir = cluster(20000, 2, "{\"mtbf_s\": 1000, \"mttr_s\": 300}", "random");
  es_result *a = run1(base, 7, 0), *b = run1(drop, 7, 0), *c = run1(redir, 7, 0);
  assert_close(a->generated, b->generated, 0);
  assert_close(a->tok_generated, c->tok_generated, 0);
  assert_true(b->x.lost > 0 && b->x.failed_over == 0);
  assert_true(c->x.failed_over > 0 && c->x.lost == 0);
  assert_close(b->dropped, b->x.lost, 0);
  assert_close(c->dropped, 0, 0);
  for (es_result *r = b; r; r = r == b ? c : NULL) {
    assert_close(r->generated, r->edge_served + r->redirected + r->dropped, 0);
    double served = 0;
    for (size_t i = 0; i < r->ndev; i++)
      served += r->dev[i].served;
    assert_close(served, r->edge_served, 0);
    assert_true(r->dev[0].energy_wh < a->dev[0].energy_wh);
    assert_true(r->x.answered_fraction <= 1);
  }
  assert_true(c->x.answered_fraction == 1);
  es_result_free(a), es_result_free(b), es_result_free(c);
  scn_free(base), scn_free(drop), scn_free(redir);
}

/* load_aware's index follows devices closing and opening (dev_set_open):
 * identical results to the plain scan, which reads max_par directly. */
static void load_aware_index(void **state) {
  (void)state;
  scn *s = cluster(5000, 3, "{\"mtbf_s\": 300, \"mttr_s\": 100}", "load_aware");
  for (uint64_t seed = 1; seed <= 5; seed++) {
    es_result *a = run1(s, seed, 0), *b = run1(s, seed, 1);
    for (size_t i = 0; i < es_metric_count(); i++)
      assert_close(es_metric_value(a, i), es_metric_value(b, i), 0);
    assert_true(a->x.failed_over > 0);
    es_result_free(a), es_result_free(b);
  }
  scn_free(s);
}

/* Failures change nothing without them being configured: a device with
 * failures that never come (MTBF far beyond the run) gives the same
 * results as without the key, metric for metric. */
static void never_failing(void **state) {
  (void)state;
  scn *with = cluster(3000, 2, "{\"mtbf_s\": 1e9, \"mttr_s\": 1}", "weighted");
  char json[4096];
  snprintf(json, sizeof json, CLUSTER, 3000.0, 2.0, "{\"mtbf_s\": 1, \"mttr_s\": 1}", "weighted");
  char *f = strstr(json, ", \"failure\"");
  char *end = strchr(f, '}');
  memmove(f, end + 1, strlen(end + 1) + 1);
  scn *without = tu_load(json, NULL, 0);
  es_result *a = run1(with, 3, 0), *b = run1(without, 3, 0);
  for (size_t i = 0; i < es_metric_count(); i++)
    if (es_metric_shown(i, 0))
      assert_close(es_metric_value(a, i), es_metric_value(b, i), 0);
  es_result_free(a), es_result_free(b);
  scn_free(with), scn_free(without);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(availability_exponential),
      cmocka_unit_test(availability_weibull),
      cmocka_unit_test(cut_requests),
      cmocka_unit_test(load_aware_index),
      cmocka_unit_test(never_failing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
