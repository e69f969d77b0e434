/* Replications on worker threads: results reach the sink in task order and
 * are the same for any number of jobs; the first failure in task order
 * stops the batch; and Student-t intervals over replications cover the
 * Erlang-B truth at their nominal rate. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch.h"
#include "workload.h"
#include "qtheory.h"
#include "rng.h"
#include "summary.h"

#define NTASK 12

typedef struct rec {
  const scn *s;
  size_t seen;
  size_t fail_at; /* the sink fails at this task; NTASK: never */
  double v[NTASK][64];
} rec;

static void task(void *arg, size_t i, bat_task *t) {
  *t = (bat_task){.s = ((rec *)arg)->s, .seed = rng_replication_seed(3, i)};
}

static int sink(void *arg, size_t i, const es_result *r, es_err *e) {
  rec *x = arg;
  assert_int_equal(i, x->seen); /* in task order */
  x->seen++;
  for (size_t k = 0; k < es_metric_count() && k < 64; k++)
    x->v[i][k] = es_metric_value(r, k);
  if (i == x->fail_at)
    return es_fail(e, ES_ERUNTIME, "sink failed at %zu", i);
  return 0;
}

static scn *load(const char *file, const char *set) {
  scn *s = NULL;
  es_err e = {0};
  if (scn_load(file, &set, set ? 1 : 0, NULL, &s, &e))
    fail_msg("%s", e.msg);
  return s;
}

static void same_for_any_jobs(void **state) {
  (void)state;
  scn *s = load("scenarios/bursty_random.json", NULL);
  static rec one, many;
  es_opts o = {0};
  es_err e = {0};
  one = (rec){.s = s, .fail_at = NTASK};
  assert_int_equal(bat_run(NTASK, 1, &o, task, sink, &one, &e), 0);
  for (unsigned j = 2; j <= 8; j *= 2) {
    many = (rec){.s = s, .fail_at = NTASK};
    assert_int_equal(bat_run(NTASK, j, &o, task, sink, &many, &e), 0);
    assert_int_equal(many.seen, NTASK);
    assert_memory_equal(one.v, many.v, sizeof one.v);
  }
  assert_true(one.v[0][0] != one.v[1][0] || one.v[0][2] != one.v[1][2]); /* seeds differ */
  scn_free(s);
}

static void first_failure_stops(void **state) {
  (void)state;
  scn *s = load("scenarios/bursty_random.json", NULL);
  static rec x;
  es_opts o = {0};
  for (unsigned j = 1; j <= 3; j++) {
    es_err e = {0};
    x = (rec){.s = s, .fail_at = 4};
    assert_int_equal(bat_run(NTASK, j, &o, task, sink, &x, &e), ES_ERUNTIME);
    assert_int_equal(x.seen, 5);
    assert_string_equal(e.msg, "sink failed at 4");
  }
  scn_free(s);
}

/* ---- CI coverage against Erlang-B -----------------------------------------
 * tests/repl/erlang_b.json: Poisson arrivals at 1.6/s, random dispatch over
 * 4 identical devices with 2 slots, token limits non-binding (C = 1e9), so
 * each device is an M/G/2/2 loss system with offered load
 * a = (1.6 / 4) * (0.5 + 100 / 50) = 1 erlang and the redirected fraction
 * is B(2, 1) = 0.2 exactly. Each replication is 1250 s (about 2000
 * arrivals) with a 25 s warm-up (10 service times) so the empty start does
 * not bias it. A batch is 5 replications and its 95% Student-t interval
 * (t = 2.776 with 4 degrees of freedom). Over K = 2000 independent batches
 * (10000 runs, about 3 s) the number that cover 0.2 is Binomial(2000,
 * 0.95) when the intervals are right: sd 0.49 percentage points, so the
 * 93-97% band is +-4.1 sd and a correct simulator fails it with
 * probability below 1e-4. The same batches with z = 1.96 instead of t
 * cover about 88%, outside the band: the check has the power to see the
 * wrong quantile. */
#define BATCHES 2000
#define PER_BATCH 5

typedef struct cov {
  const scn *s;
  size_t k; /* position in the current batch */
  double x[PER_BATCH];
  size_t covered_t, covered_z, batches;
  double truth;
  size_t metric;
} cov;

static void cov_task(void *arg, size_t i, bat_task *t) {
  *t = (bat_task){.s = ((cov *)arg)->s, .seed = rng_replication_seed(20240501, i)};
}

static int cov_sink(void *arg, size_t i, const es_result *r, es_err *e) {
  (void)i, (void)e;
  cov *c = arg;
  c->x[c->k++] = es_metric_value(r, c->metric);
  if (c->k < PER_BATCH)
    return 0;
  sum_acc a;
  sum_init(&a);
  for (size_t k = 0; k < PER_BATCH; k++)
    sum_add(&a, c->x[k]);
  double d = fabs(sum_mean(&a) - c->truth), se = sum_std(&a) / sqrt(PER_BATCH);
  c->covered_t += d <= sum_ci95(&a);
  c->covered_z += d <= 1.959964 * se;
  c->batches++;
  c->k = 0;
  return 0;
}

static size_t metric_index(const char *name) {
  for (size_t i = 0; i < es_metric_count(); i++)
    if (!strcmp(es_metric_name(i), name))
      return i;
  fail_msg("no metric %s", name);
  return 0;
}

static void ci_covers_erlang_b(void **state) {
  (void)state;
  scn *s = load("tests/repl/erlang_b.json", NULL);
  double rate = scn_expected_requests(s) / s->duration_s; /* poisson: rate_per_s */
  const wl_tokens *k = s->wl.cfg;
  double a = rate / (double)s->ninst * (s->dev[0].ttft_s + dist_mean(&k->tokens) / s->dev[0].tgs);
  static cov c;
  c = (cov){.s = s,
            .truth = qt_erlang_b((unsigned)s->dev[0].max_parallel, a),
            .metric = metric_index("requests.rejected_fraction")};
  assert_true(fabs(c.truth - 0.2) < 1e-12);
  es_opts o = {.warmup_s = 25};
  es_err e = {0};
  assert_int_equal(bat_run(BATCHES * PER_BATCH, 2, &o, cov_task, cov_sink, &c, &e), 0);
  assert_int_equal(c.batches, BATCHES);
  double ft = (double)c.covered_t / BATCHES, fz = (double)c.covered_z / BATCHES;
  print_message("coverage over %d batches of %d: t interval %.4f, z interval %.4f\n", BATCHES,
                PER_BATCH, ft, fz);
  assert_true(ft >= 0.93 && ft <= 0.97);
  assert_true(fz < 0.93);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_for_any_jobs),
      cmocka_unit_test(first_failure_stops),
      cmocka_unit_test(ci_covers_erlang_b),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
