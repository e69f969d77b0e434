/* test_service.c: queues and shared service (issue 13) against queueing
 * theory and hand-computed cases. Seeds are fixed and tolerances are 3
 * standard errors over replications, so the tests do not flake. */
#include "scenario.h"
#include "testrun.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>

#include "engine.h"

/* One device, Poisson arrivals at 0.5/s, output tokens 5 or 15 at 10
 * tokens/s, no TTFT: S is 0.5 or 1.5 s, E[S] = 1, E[S^2] = 1.25, rho = 0.5.
 * The window never binds (C = 2^32 - 2 per second). */
static const char *BASE =
    "{\"duration_s\": 4000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 0.5,"
    " \"prompt_tokens\": 48, \"tokens\": {\"values\": [5, 15], \"weights\": [1, 1]}},"
    " \"devices\": [{\"name\": \"d\", \"token_capacity\": 4294967294, \"max_parallel\": 1,"
    " \"tgs\": 10, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1}],"
    " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"}}";

static es_result *run(scn *s, uint64_t seed, double warmup) {
  return tu_run(s, seed, &(es_opts){.warmup_s = warmup});
}

/* Mean over R replications of one metric (by name); checks it against
 * `expect` within 3 standard errors. */
static void check_theory(const char *what, const char *const *sets, size_t nsets,
                         const char *metric, double expect) {
  scn *s = tu_load(BASE, sets, nsets);
  size_t idx = 0;
  while (idx < es_metric_count() && strcmp(es_metric_name(idx), metric))
    idx++;
  assert_true(idx < es_metric_count());
  enum { R = 30 };
  double x[R];
  for (int k = 0; k < R; k++) {
    es_result *r = run(s, 500 + (uint64_t)k, 200); /* 200 s warm-up from empty */
    x[k] = es_metric_value(r, idx);
    es_result_free(r);
  }
  double mean = gsl_stats_mean(x, 1, R), se = gsl_stats_sd(x, 1, R) / sqrt(R);
  print_message("%s: %s %.5f +- %.5f (se), theory %.5f\n", what, metric, mean, se, expect);
  if (fabs(mean - expect) > 3 * se)
    fail_msg("%s: %s %.5f +- %.5f (se), theory %.5f", what, metric, mean, se, expect);
  scn_free(s);
}

/* M/G/1 FIFO, one slot, unbounded queue: Pollaczek-Khinchine
 * E[W] = lambda E[S^2] / (2 (1 - rho)) = 0.5 * 1.25 / 1 = 0.625 s. */
static void pollaczek_khinchine(void **state) {
  (void)state;
  const char *sets[] = {"devices.0.queue={\"max\": 1000000}"};
  check_theory("M/G/1", sets, 1, "queue_wait_s.edge.mean", 0.625);
}

/* M/G/1-PS (A constant): mean sojourn E[S] / (1 - rho) = 2 s, whatever the
 * token distribution (two with mean 10 tokens). */
static void processor_sharing(void **state) {
  (void)state;
  const char *sets[] = {"devices.0.service=\"shared\"", "devices.0.max_parallel=1000",
                        "devices.0.batch_curve={\"batch\": [1, 8], \"tokens_per_s\": [10, 10]}",
                        "devices.0.prefill_tps=1e12",
                        "workload.tokens={\"values\": [1, 19], \"weights\": [1, 1]}"};
  check_theory("M/G/1-PS 5|15", sets, 4, "latency_s.edge.mean", 2.0);
  check_theory("M/G/1-PS 1|19", sets, 5, "latency_s.edge.mean", 2.0);
}

/* A(n) = n tgs: every request decodes at tgs alone, M/G/inf: the sojourn
 * of each request is exactly its own tokens / tgs (E[S] = 1 s), however
 * many share the device. */
static void infinite_servers(void **state) {
  (void)state;
  const char *sets[] = {
      "devices.0.service=\"shared\"", "devices.0.max_parallel=1000",
      "devices.0.batch_curve={\"batch\": [1, 1000], \"tokens_per_s\": [10, 10000]}",
      "devices.0.prefill_tps=1e12", "workload.rate_per_s=5"};
  scn *s = tu_load(BASE, sets, 5);
  es_result *r = run(s, 3, 0);
  assert_true(r->edge_served > 15000);
  /* each request's sojourn is its tokens / 10 exactly (plus 48e-12 s of prefill) */
  assert_close(r->lat[0][0], r->tok_edge / r->edge_served / 10, 1e-9);
  assert_close(r->lat[0][0], r->q.ttft[0][0] + r->q.tpot[0][0] * 10, 0.1);
  assert_true(r->lat[0][3] <= 1.5 + 1e-6 && r->lat[0][3] >= 1.5 * (1 - 0.008));
  es_result_free(r);
  scn_free(s);
}

/* Deadlines by hand: a trace with A at 0 (10 tokens, 10 s on one slot at
 * 1 token/s) and B at 2 (5 tokens). B's slot frees at 10 = 2 + 8. */
static scn *deadline_case_x(double deadline, int cloud, const char *extra) {
  const char *trace = tu_write("deadline.csv", "TIME,PROMPT,OUTPUT\n0,1,10\n2,1,5\n");
  const char *base = strrchr(trace, '/') + 1;
  char json[2048], q[128], c[64];
  snprintf(json, sizeof json,
           "{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"%s\"},"
           " \"devices\": [{\"name\": \"d\", \"token_capacity\": 1000, \"max_parallel\": 1,"
           " \"tgs\": 1, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1}],"
           " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"}}",
           base);
  snprintf(q, sizeof q, "devices.0.queue={\"max\": 4, \"deadline_s\": %.17g}", deadline);
  snprintf(c, sizeof c, "cloud.enabled=%s", cloud ? "true" : "false");
  const char *sets[] = {q, c, extra};
  return tu_load(json, sets, extra ? 3 : 2);
}

static scn *deadline_case(double deadline, int cloud) {
  return deadline_case_x(deadline, cloud, NULL);
}

static void deadlines_by_hand(void **state) {
  (void)state;
  /* waited exactly the deadline: the start at 10 wins (class-1 deadline) */
  scn *s = deadline_case(8, 1);
  es_result *r = run(s, 1, 0);
  assert_close(r->edge_served, 2, 0);
  assert_close(r->q.timed_out, 0, 0);
  assert_close(r->q.queued, 1, 0);
  assert_close(r->q.qwait[0][0], 4, 1e-12); /* (0 + 8) / 2 */
  assert_close(r->lat[0][3], 13, 1e-12);    /* B: 8 waiting + 5 decoding */
  es_result_free(r);
  scn_free(s);
  /* the slot frees just after the deadline: B times out at 9.999 */
  s = deadline_case(7.999, 1);
  r = run(s, 1, 0);
  assert_close(r->edge_served, 1, 0);
  assert_close(r->redirected, 1, 0);
  assert_close(r->q.timed_out, 1, 0);
  assert_close(r->dev[0].timed_out, 1, 0);
  assert_close(r->q.qwait[1][0], 7.999, 1e-12);
  assert_close(r->lat[1][0], 7.999 + 0.05 + 0.71 + 5 / 50.0, 1e-9); /* wait + cloud */
  es_result_free(r);
  scn_free(s);
  /* a deadline just after the start: it starts at 10 (deadline 10.001) */
  s = deadline_case(8.001, 1);
  r = run(s, 1, 0);
  assert_close(r->edge_served, 2, 0);
  assert_close(r->q.timed_out, 0, 0);
  es_result_free(r);
  scn_free(s);
  /* without the cloud, a timed-out request is dropped */
  s = deadline_case(5, 0);
  r = run(s, 1, 0);
  assert_close(r->dropped, 1, 0);
  assert_close(r->q.timed_out, 1, 0);
  assert_close(r->q.slo_attainment, 0.5, 0); /* no slo bounds: answered fraction */
  es_result_free(r);
  scn_free(s);
}

/* The window: A (10 tokens) fills C = 10 per W = 10 s at 0; B (5) waits
 * for A's tokens to leave the window at 10 exactly (its slot is free since
 * A finishes at 1 with tgs 10). */
static void window_expiry_starts_head(void **state) {
  (void)state;
  const char *trace = tu_write("win.csv", "TIME,PROMPT,OUTPUT\n0,1,10\n2,1,5\n");
  char json[2048];
  snprintf(json, sizeof json,
           "{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"%s\"},"
           " \"devices\": [{\"name\": \"d\", \"token_capacity\": 10, \"max_parallel\": 4,"
           " \"tgs\": 10, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1,"
           " \"queue\": {\"max\": 4}}],"
           " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"load_aware\"}}",
           strrchr(trace, '/') + 1);
  scn *s = tu_load(json, NULL, 0);
  es_result *r = run(s, 1, 0);
  assert_close(r->edge_served, 2, 0);
  assert_close(r->q.qwait[0][3], 8, 1e-12); /* B starts at 10: waited 8 */
  assert_close(r->q.queued, 1, 0);
  es_result_free(r);
  scn_free(s);
}

/* A timed-out request goes through the cloud module at its deadline: an
 * outage then drops it (unavailable); after the outage it is answered,
 * its wait in its latency (merge of the queue and cloud branches). */
static void deadline_through_cloud(void **state) {
  (void)state;
  scn *t = deadline_case_x(7.999, 1, "cloud.outages=[[5, 50]]");
  es_result *r = run(t, 1, 0);
  assert_close(r->q.timed_out, 1, 0);
  assert_close(r->dropped, 1, 0);
  assert_close(r->x.unavailable, 1, 0); /* B left its queue at 9.999, inside [5, 50) */
  es_result_free(r);
  scn_free(t);
  t = deadline_case_x(7.999, 1, "cloud.outages=[[5, 9]]");
  r = run(t, 1, 0);
  assert_close(r->q.timed_out, 1, 0);
  assert_close(r->redirected, 1, 0);
  assert_close(r->x.unavailable, 0, 0);
  assert_close(r->lat[1][0], 7.999 + 0.05 + 0.71 + 5 / 50.0, 1e-9); /* wait + cloud */
  es_result_free(r);
  scn_free(t);
}

/* Queues and failures compose (faults.h's dev_set_open): fixed and shared
 * service, redirect and drop, over seeds; every run passes conservation,
 * drop reasons and Little's law, and failures do cut requests. */
static void queues_with_failures(void **state) {
  (void)state;
  static const char *const svc[] = {
      "devices.0.service=\"fixed\"",
      "devices.0.batch_curve={\"batch\": [1, 2], \"tokens_per_s\": [10, 15]}"};
  static const char *const onf[] = {"redirect", "drop"};
  for (int k = 0; k < 2; k++)
    for (int f = 0; f < 2; f++) {
      char fail[160], par[64];
      snprintf(fail, sizeof fail,
               "devices.0.failure={\"mtbf_s\": 150, \"mttr_s\": 20, \"on_fail\": \"%s\"}", onf[f]);
      snprintf(par, sizeof par, "devices.0.max_parallel=%d", k ? 2 : 1);
      const char *sets[] = {"devices.0.queue={\"max\": 6, \"deadline_s\": 8}",
                            svc[k],
                            fail,
                            par,
                            k ? "devices.0.service=\"shared\"" : "slo.ttft_s=5",
                            k ? "devices.0.prefill_tps=480" : "slo.e2e_s=30"};
      scn *s = tu_load(BASE, sets, 6);
      double cut = 0, timed = 0;
      for (uint64_t seed = 1; seed <= 5; seed++) {
        es_result *r = run(s, seed, 100); /* es_run's checks pass */
        cut += r->x.lost + r->x.failed_over;
        timed += r->q.timed_out;
        assert_true(r->x.devices_availability < 1);
        assert_close(r->generated, r->edge_served + r->redirected + r->dropped, 0);
        es_result_free(r);
      }
      assert_true(cut > 0);
      assert_true(timed > 0);
      scn_free(s);
    }
}

/* Bad input: every new key says where and what is allowed. */
static void bad_inputs(void **state) {
  (void)state;
  static const struct {
    const char *set, *want;
  } cases[] = {
      {"devices.0.queue={\"max\": -1}", "devices[0].queue.max: must be an integer in [0, 1000000]"},
      {"devices.0.queue={\"deadline_s\": 0}",
       "devices[0].queue.deadline_s: must be a number in (0"},
      {"devices.0.queue={\"discipline\": \"lifo\"}",
       "devices[0].queue.discipline: must be one of \"fifo\", \"sjf\", got \"lifo\""},
      {"devices.0.service=\"batch\"", "devices[0].service: must be one of \"fixed\", \"shared\""},
      {"devices.0.prefill_tps=100", "devices[0].prefill_tps: applies only with \"service\""},
      {"devices.0.service=\"shared\"", "devices[0].batch_curve: required key is missing"},
      {"slo={\"ttft_s\": 0}", "slo.ttft_s: must be a number in (0"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    int code = 0;
    const char *msg = tu_load_error(BASE, &cases[k].set, 1, &code);
    assert_int_equal(code, ES_EINPUT);
    if (!strstr(msg, cases[k].want))
      fail_msg("%s: got '%s', want '%s'", cases[k].set, msg, cases[k].want);
  }
  const char *curve[][2] = {
      {"devices.0.batch_curve={\"batch\": [1, 2, 4], \"tokens_per_s\": [10, 12, 11]}",
       "batch_curve.tokens_per_s[2]: must be >= tokens_per_s[1]"},
      {"devices.0.batch_curve={\"batch\": [1, 2], \"tokens_per_s\": [9, 12]}",
       "batch_curve.tokens_per_s[0]: must equal tgs (10)"},
      {"devices.0.batch_curve={\"batch\": [2, 4], \"tokens_per_s\": [10, 12]}",
       "batch_curve.batch[0]: must be 1"},
      {"devices.0.batch_curve={\"batch\": [1, 1], \"tokens_per_s\": [10, 12]}",
       "batch_curve.batch[1]: must be > batch[0]"},
  };
  for (size_t k = 0; k < sizeof curve / sizeof *curve; k++) {
    const char *sets[] = {"devices.0.service=\"shared\"", "devices.0.prefill_tps=100", curve[k][0]};
    int code = 0;
    const char *msg = tu_load_error(BASE, sets, 3, &code);
    assert_int_equal(code, ES_EINPUT);
    if (!strstr(msg, curve[k][1]))
      fail_msg("%s: got '%s', want '%s'", curve[k][0], msg, curve[k][1]);
  }
}

/* The profile's curve is scaled to A(1) = tgs; a constant aggregate is
 * allowed. */
static void profile_curve(void **state) {
  (void)state;
  const char *sets[] = {
      "devices=[{\"profile\": \"orin_agx\", \"lm\": \"qwen2.5-7b\", \"token_capacity\": 1000,"
      " \"max_parallel\": 8, \"service\": \"shared\", \"prefill_tps\": 500, \"tgs\": 20}]"};
  scn *s = tu_load(BASE, sets, 1);
  assert_true(s->ext);
  assert_true(s->dev[0].ncurve >= 2);
  assert_close(s->dev[0].curve_a[0], 20, 1e-12);
  scn_free(s);
  s = tu_load(BASE, NULL, 0);
  assert_false(s->ext);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pollaczek_khinchine),
      cmocka_unit_test(processor_sharing),
      cmocka_unit_test(infinite_servers),
      cmocka_unit_test(deadlines_by_hand),
      cmocka_unit_test(window_expiry_starts_head),
      cmocka_unit_test(deadline_through_cloud),
      cmocka_unit_test(queues_with_failures),
      cmocka_unit_test(bad_inputs),
      cmocka_unit_test(profile_curve),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
