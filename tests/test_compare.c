/* Paired comparison under common random numbers: on the bursty scenarios
 * (random vs load_aware dispatch, same workload) the paired CI of the
 * difference is narrower than the unpaired one, both the Welch interval of
 * the same runs and that of runs with independent seeds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "batch.h"
#include "compare.h"
#include "rng.h"

#define N 20

typedef struct ctx {
  const scn *s[2];
  uint64_t seed[2]; /* base seed of A and of B */
  cmp *c;
} ctx;

static void task(void *arg, size_t i, bat_task *t) {
  const ctx *x = arg;
  *t = (bat_task){.s = x->s[i % 2], .seed = rng_replication_seed(x->seed[i % 2], i / 2)};
}

static int sink(void *arg, size_t i, const es_result *r, es_err *e) {
  (void)i, (void)e;
  cmp_add(((ctx *)arg)->c, r);
  return 0;
}

static scn *load(const char *file) {
  scn *s = NULL;
  es_err e = {0};
  if (scn_load(file, NULL, 0, NULL, &s, &e))
    fail_msg("%s", e.msg);
  return s;
}

/* Runs N pairs; B's base seed is `seed_b` (equal to A's: common numbers). */
static cmp *run_pairs(const ms_sel *sel, scn *a, scn *b, uint64_t seed_b) {
  ctx x = {{a, b}, {1, seed_b}, cmp_new(sel)};
  es_opts o = {0};
  es_err e = {0};
  assert_non_null(x.c);
  assert_int_equal(bat_run(2 * N, 2, &o, task, sink, &x, &e), 0);
  return x.c;
}

static const char *const METRICS = "requests.redirected,cost.cloud_usd,tokens.cloud,"
                                   "requests.generated";

static void paired_is_narrower(void **state) {
  (void)state;
  scn *a = load("scenarios/bursty_random.json"), *b = load("scenarios/bursty_loadaware.json");
  ms_sel sel;
  es_err e = {0};
  assert_int_equal(ms_parse(METRICS, a->ninst, &sel, &e), 0);
  cmp *crn = run_pairs(&sel, a, b, 1), *ind = run_pairs(&sel, a, b, 1000003);
  for (size_t i = 0; i < 3; i++) {
    double paired = sum_ci95(cmp_acc(crn, i, CMP_DIFF));
    double same_runs = sum_ci95_unpaired(cmp_acc(crn, i, CMP_A), cmp_acc(crn, i, CMP_B));
    double independent = sum_ci95(cmp_acc(ind, i, CMP_DIFF)); /* pairs of unrelated runs */
    double welch_ind = sum_ci95_unpaired(cmp_acc(ind, i, CMP_A), cmp_acc(ind, i, CMP_B));
    print_message("%-22s paired %.4g  unpaired(same runs) %.4g  unpaired(independent) %.4g\n",
                  sel.col[i].dev < 0 ? es_metric_name(sel.col[i].idx) : "?", paired, same_runs,
                  welch_ind);
    assert_true(paired > 0);
    assert_true(paired < same_runs);
    assert_true(paired < welch_ind);
    assert_true(paired < independent);
    assert_true(cmp_excludes_zero(crn, i)); /* load_aware redirects less, costs less */
    assert_true(sum_mean(cmp_acc(crn, i, CMP_DIFF)) < 0);
  }
  /* common random numbers: both variants see exactly the same requests */
  const sum_acc *g = cmp_acc(crn, 3, CMP_DIFF);
  assert_true(g->min == 0 && g->max == 0 && !cmp_excludes_zero(crn, 3));
  assert_true(cmp_acc(ind, 3, CMP_DIFF)->max != 0);
  cmp_free(crn);
  cmp_free(ind);
  ms_free(&sel);
  scn_free(a);
  scn_free(b);
}

static void difference_is_b_minus_a(void **state) {
  (void)state;
  scn *a = load("scenarios/bursty_random.json");
  ms_sel sel;
  es_err e = {0};
  assert_int_equal(ms_parse("requests.redirected", a->ninst, &sel, &e), 0);
  cmp *same = run_pairs(&sel, a, a, 1); /* identical variants: every d is 0 */
  const sum_acc *d = cmp_acc(same, 0, CMP_DIFF);
  assert_true(d->n == N && d->min == 0 && d->max == 0 && sum_ci95(d) == 0);
  assert_false(cmp_excludes_zero(same, 0));
  assert_true(sum_mean(cmp_acc(same, 0, CMP_A)) == sum_mean(cmp_acc(same, 0, CMP_B)));
  cmp_free(same);
  ms_free(&sel);
  scn_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paired_is_narrower),
      cmocka_unit_test(difference_is_b_minus_a),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
