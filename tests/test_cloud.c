/* test_cloud.c: the cloud module (sim/cloud.c): rate limits at their edges,
 * retries, explicit outage boundaries, budget caps, long-run availability
 * of random outages, latency distributions. */
#include "scenario.h"
#include "testrun.h"

#include <math.h>

#include "engine.h"

/* A device that admits nothing (C = 1 < 10 tokens): every request goes to
 * the cloud, at the trace's times. `cloud` is the cloud block. */
static scn *cloud_only(const char *times_csv, const char *cloud, double duration) {
  static char trace_name[600], json[8192];
  const char *tp = tu_write("trace.csv", times_csv);
  const char *b = strrchr(tp, '/');
  snprintf(trace_name, sizeof trace_name, "%s", b ? b + 1 : tp);
  snprintf(json, sizeof json,
           "{\"duration_s\": %.17g, \"workload\": {\"kind\": \"trace\", \"file\": \"%s\"},"
           " \"devices\": [{\"name\": \"d\", \"token_capacity\": 1, \"max_parallel\": 1,"
           " \"tgs\": 100, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1}],"
           " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"},"
           " \"cloud\": %s}",
           duration, trace_name, cloud);
  return tu_load(json, NULL, 0);
}

static es_result *run1(scn *s, uint64_t seed) { return tu_run(s, seed, NULL); }

/* n requests of 48 + 52 tokens at t0, t0 + dt, ... */
static char *times(int n, double t0, double dt) {
  static char buf[1 << 16];
  size_t at = (size_t)snprintf(buf, sizeof buf, "TIME,PROMPT,OUTPUT\n");
  for (int i = 0; i < n; i++)
    at += (size_t)snprintf(buf + at, sizeof buf - at, "%.1f,48,52\n", t0 + i * dt);
  return buf;
}

/* rpm 500: 501 requests in [0, 50]: the 501st (t = 50) answers 429. */
static void rpm_501st(void **state) {
  (void)state;
  scn *s = cloud_only(times(501, 0, 0.1), "{\"limits\": {\"rpm\": 500}}", 100);
  es_result *r = run1(s, 1);
  assert_close(r->redirected, 500, 0);
  assert_close(r->x.http_429, 1, 0);
  assert_close(r->x.rate_limited, 1, 0);
  assert_close(r->x.retries, 0, 0);
  assert_close(r->dropped, 1, 0);
  es_result_free(r);
  scn_free(s);
}

/* Its retry 10 s later, at t = 60 exactly: the request of t = 0 left the
 * window (0, 60] at 60, so the retry is accepted; 9.999 s later it is not. */
static void rpm_retry_at_window_edge(void **state) {
  (void)state;
  scn *s = cloud_only(
      times(501, 0, 0.1),
      "{\"limits\": {\"rpm\": 500}, \"retry\": {\"attempts\": 1, \"backoff_s\": 10}}", 100);
  es_result *r = run1(s, 1);
  assert_close(r->redirected, 501, 0);
  assert_close(r->x.http_429, 1, 0);
  assert_close(r->x.retries, 1, 0);
  assert_close(r->x.rate_limited, 0, 0);
  es_result_free(r);
  scn_free(s);
  s = cloud_only(times(501, 0, 0.1),
                 "{\"limits\": {\"rpm\": 500}, \"retry\": {\"attempts\": 1, \"backoff_s\": 9.999}}",
                 100);
  r = run1(s, 1);
  assert_close(r->redirected, 500, 0);
  assert_close(r->x.http_429, 2, 0);
  assert_close(r->x.retries, 1, 0);
  assert_close(r->x.rate_limited, 1, 0);
  es_result_free(r);
  scn_free(s);
}

/* tpm 1000, 100 tokens a request (prompt 48 + output 52): ten fit, the
 * 11th crosses the limit; a request larger than tpm never fits. Backoff 1,
 * multiplier 2: the 11th (t = 10) retries at 11, 13, 17: all inside the
 * window of the first ten (they leave at 60..69). */
static void tpm_crossing(void **state) {
  (void)state;
  scn *s = cloud_only(times(11, 0, 1),
                      "{\"limits\": {\"tpm\": 1000}, \"retry\": {\"attempts\": 3, \"backoff_s\": 1,"
                      " \"multiplier\": 2}}",
                      100);
  es_result *r = run1(s, 1);
  assert_close(r->redirected, 10, 0);
  assert_close(r->x.http_429, 4, 0);
  assert_close(r->x.retries, 3, 0);
  assert_close(r->x.rate_limited, 1, 0);
  es_result_free(r);
  scn_free(s);
  /* the fourth retry would wait 8 s: at 10 + 1 + 2 + 4 + 8 = 25, still full;
   * with 6 attempts the waits reach 32 s: 10 + 63 = 73 > 69, accepted */
  s = cloud_only(times(11, 0, 1),
                 "{\"limits\": {\"tpm\": 1000}, \"retry\": {\"attempts\": 6, \"backoff_s\": 1}}",
                 100);
  r = run1(s, 1);
  assert_close(r->redirected, 11, 0);
  assert_close(r->x.http_429, 6, 0);
  assert_close(r->x.retries, 6, 0);
  es_result_free(r);
  scn_free(s);
  s = cloud_only(times(3, 0, 1), "{\"limits\": {\"tpm\": 99}}", 100);
  r = run1(s, 1);
  assert_close(r->redirected, 0, 0);
  assert_close(r->x.rate_limited, 3, 0);
  es_result_free(r);
  scn_free(s);
}

/* A retry that would fall at or after duration_s is not made: dropped. */
static void retry_past_horizon(void **state) {
  (void)state;
  scn *s = cloud_only(
      times(2, 0, 1),
      "{\"limits\": {\"rpm\": 1}, \"retry\": {\"attempts\": 5, \"backoff_s\": 100}}", 50);
  es_result *r = run1(s, 1);
  assert_close(r->redirected, 1, 0);
  assert_close(r->x.retries, 0, 0);
  assert_close(r->x.rate_limited, 1, 0);
  es_result_free(r);
  scn_free(s);
}

/* max_concurrency 1, cloud latency 0.05 + 0.71 + 52/50 = 1.8 s: requests
 * 1 s apart alternate between accepted and 429. */
static void concurrency(void **state) {
  (void)state;
  scn *s = cloud_only(times(10, 0, 1), "{\"limits\": {\"max_concurrency\": 1}}", 100);
  es_result *r = run1(s, 1);
  assert_close(r->redirected, 5, 0);
  assert_close(r->x.http_429, 5, 0);
  es_result_free(r);
  scn_free(s);
}

/* The cloud is down in [start, end): of requests at 9.5, 10, 15, 19.9, 20,
 * 25 with outages [[10, 20]], exactly 10, 15 and 19.9 are dropped. */
static void outage_boundary(void **state) {
  (void)state;
  const char *tr = "TIME,PROMPT,OUTPUT\n9.5,48,52\n10,48,52\n15,48,52\n19.9,48,52\n20,48,52\n"
                   "25,48,52\n";
  scn *s = cloud_only(tr, "{\"outages\": [[10, 20], [30, 40]]}", 100);
  es_result *r = run1(s, 1);
  assert_close(r->redirected, 3, 0);
  assert_close(r->x.unavailable, 3, 0);
  assert_close(r->x.cloud_availability, 0.8, 1e-12);
  assert_close(r->x.answered_fraction, 0.5, 1e-12);
  es_result_free(r);
  scn_free(s);
  /* retried 10 s later: 10 -> 20 (up), 15 -> 25, 19.9 -> 29.9 */
  s = cloud_only(tr, "{\"outages\": [[10, 20]], \"retry\": {\"attempts\": 1, \"backoff_s\": 10}}",
                 100);
  r = run1(s, 1);
  assert_close(r->redirected, 6, 0);
  assert_close(r->x.retries, 3, 0);
  es_result_free(r);
  scn_free(s);
}

/* Budget: spend in any period never exceeds the cap (es_run checks it on
 * every run too), over random scenarios; something is refused. */
static void budget_never_exceeded(void **state) {
  (void)state;
  char json[4096];
  int refused = 0;
  for (int k = 0; k < 40; k++) {
    double cap = 0.01 * (1 + k % 7), period = k % 3 ? 100.0 * (1 + k % 5) : 0;
    char per[64] = "";
    if (period > 0)
      snprintf(per, sizeof per, ", \"budget_period_s\": %g", period);
    snprintf(json, sizeof json,
             "{\"duration_s\": 1000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": %g,"
             " \"tokens\": {\"values\": [10, 100, 700], \"weights\": [1, 1, 1]}},"
             " \"devices\": [{\"token_capacity\": 300, \"max_parallel\": 1, \"tgs\": 20,"
             " \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1}],"
             " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"},"
             " \"cloud\": {\"budget_usd\": %g%s}}",
             0.1 + 0.05 * (k % 4), cap, per);
    scn *s = tu_load(json, NULL, 0);
    es_result *r = run1(s, (uint64_t)k + 1);
    assert_true(r->x.peak_period_usd <= cap);
    if (period == 0)
      assert_true(r->cloud_usd <= cap);
    refused += r->x.over_budget > 0;
    assert_close(r->generated, r->edge_served + r->redirected + r->dropped, 0);
    es_result_free(r);
    scn_free(s);
  }
  assert_true(refused > 20);
}

/* Long-run availability of random outages = MTBF / (MTBF + MTTR) within 3
 * standard errors of the mean over replications. */
static void availability(const char *outage, double expect) {
  char json[2048];
  snprintf(json, sizeof json,
           "{\"duration_s\": 2000000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 0.001,"
           " \"tokens\": 10}, \"devices\": [{\"token_capacity\": 100, \"max_parallel\": 1,"
           " \"tgs\": 20, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1}],"
           " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"},"
           " \"cloud\": {\"outage\": %s}}",
           outage);
  scn *s = tu_load(json, NULL, 0);
  enum { R = 30 };
  double sum = 0, sum2 = 0;
  for (int k = 0; k < R; k++) {
    es_result *r = run1(s, (uint64_t)k + 1);
    sum += r->x.cloud_availability, sum2 += r->x.cloud_availability * r->x.cloud_availability;
    es_result_free(r);
  }
  double mean = sum / R, se = sqrt((sum2 - R * mean * mean) / (R - 1) / R);
  print_message("cloud availability %s: %.5f (expected %.5f, se %.5f)\n", outage, mean, expect, se);
  assert_true(fabs(mean - expect) < 3 * se);
  scn_free(s);
}

static void availability_exponential(void **state) {
  (void)state;
  availability("{\"mtbf_s\": 8000, \"mttr_s\": 2000}", 0.8);
}

static void availability_weibull(void **state) {
  (void)state;
  availability(
      "{\"mtbf_s\": 8000, \"mttr_s\": 2000, \"distribution\": \"weibull\", \"shape\": 0.7}", 0.8);
  availability("{\"mtbf_s\": 8000, \"mttr_s\": 2000, \"distribution\": \"weibull\", \"shape\": 3}",
               0.8);
}

/* TTFT lognormal fitted to GPT-4o's p50 639 ms and p95 1144 ms: the cloud
 * latency's quantiles (rtt 0, tgs fast) come back within the histogram's
 * 0.8% and sampling error. */
static void ttft_lognormal(void **state) {
  (void)state;
  scn *s = cloud_only(times(5000, 0, 0.1),
                      "{\"rtt_s\": 0, \"tgs\": 1e9, \"ttft_s\": {\"p50\": 0.639, \"p95\": 1.144}}",
                      1000);
  es_result *r = run1(s, 1);
  print_message("cloud latency p50 %.4f p95 %.4f\n", r->lat[1][1], r->lat[1][2]);
  assert_close(r->lat[1][1], 0.639, 0.03);
  assert_close(r->lat[1][2], 1.144, 0.07);
  es_result_free(r);
  scn_free(s);
  s = cloud_only(times(2000, 0, 0.1),
                 "{\"rtt_s\": {\"values\": [0.1, 0.3], \"weights\": [1, 3]}, \"ttft_s\": 0,"
                 " \"tgs\": 1e9}",
                 1000);
  r = run1(s, 1);
  assert_close(r->lat[1][0], 0.25, 0.01);
  es_result_free(r);
  scn_free(s);
}

/* Without cloud keys nothing opt-in is reported. */
static void opt_in(void **state) {
  (void)state;
  scn *s = cloud_only(times(3, 0, 1), "{}", 10);
  assert_int_equal(es_metric_groups(s), 0);
  scn_free(s);
  s = cloud_only(times(3, 0, 1), "{\"outages\": []}", 10);
  assert_int_equal(es_metric_groups(s), ES_MG_FLT);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rpm_501st),
      cmocka_unit_test(rpm_retry_at_window_edge),
      cmocka_unit_test(tpm_crossing),
      cmocka_unit_test(retry_past_horizon),
      cmocka_unit_test(concurrency),
      cmocka_unit_test(outage_boundary),
      cmocka_unit_test(budget_never_exceeded),
      cmocka_unit_test(availability_exponential),
      cmocka_unit_test(availability_weibull),
      cmocka_unit_test(ttft_lognormal),
      cmocka_unit_test(opt_in),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
