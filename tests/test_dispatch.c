#include "scenario.h"
#include "testutil.h"

#include <math.h>

#include "kinds.h"
#include "window.h"

/* Four devices with capacities 100, 200, 300, 400 and 2 slots each. */
static void make_devs(dev *d, size_t n) {
  memset(d, 0, n * sizeof *d);
  for (size_t i = 0; i < n; i++) {
    d[i].cap_tokens = 100 * (i + 1);
    d[i].max_par = 2;
  }
}

/* An admission into the window log, and the log brought to t, as the
 * engine does them. */
static void add(win *l, dev *d, double t, uint32_t i, uint64_t tok) {
  assert_int_equal(win_add(l, t, i, tok), 0);
  d[i].used += tok;
}

static void expire(win *l, dev *d, double t) {
  win_entry e;
  while (win_pop_due(l, t, &e))
    d[e.dev].used -= e.tokens;
}

/* Chi-square of pick counts against expected probabilities (3 dof). */
static double chi2_of(disp *d, const double *p, int n) {
  double count[4] = {0};
  for (int i = 0; i < n; i++)
    count[disp_pick(d, 1, 0)]++;
  double chi2 = 0;
  for (int k = 0; k < 4; k++)
    chi2 += (count[k] - n * p[k]) * (count[k] - n * p[k]) / (n * p[k]);
  return chi2;
}

static void random_is_uniform(void **state) {
  (void)state;
  dev d[4];
  make_devs(d, 4);
  disp x;
  assert_int_equal(disp_init(&x, &disp_random, NULL, d, 4, NULL, 1), 0);
  const double p[] = {0.25, 0.25, 0.25, 0.25};
  assert_true(chi2_of(&x, p, 100000) < 16.27); /* 99.9% point, 3 dof */
  disp_destroy(&x);
}

static void weighted_follows_capacity(void **state) {
  (void)state;
  dev d[4];
  make_devs(d, 4);
  disp x;
  assert_int_equal(disp_init(&x, &disp_weighted, NULL, d, 4, NULL, 2), 0);
  const double p[] = {0.1, 0.2, 0.3, 0.4};
  assert_true(chi2_of(&x, p, 100000) < 16.27);
  disp_destroy(&x);
}

/* Load-aware: the admissible device with the largest (C - used) / C. This
 * checks the rule's reference scan, poking device state directly; the fast
 * index (loadidx) is proved equal to the scan in test_loadidx. */
static void load_aware_rule(void **state) {
  (void)state;
  dev d[4];
  make_devs(d, 4);
  win l;
  assert_int_equal(win_init(&l, 10.0), 0);
  assert_int_equal(disp_load_aware_scan(d, 4, 50), 0); /* all free: tie, lowest index */
  add(&l, d, 0, 0, 50);                                /* fractions .5 1 1 1 */
  assert_int_equal(disp_load_aware_scan(d, 4, 50), 1);
  add(&l, d, 0, 1, 100); /* .5 .5 1 1 */
  add(&l, d, 0, 2, 60);  /* .5 .5 .8 1 */
  add(&l, d, 0, 3, 200); /* .5 .5 .8 .5 */
  assert_int_equal(disp_load_aware_scan(d, 4, 50), 2);
  assert_int_equal(disp_load_aware_scan(d, 4, 250), -1); /* most left is 300 - 60 = 240 */
  d[2].inflight = 2;                                     /* no free slot */
  assert_int_equal(disp_load_aware_scan(d, 4, 50), 0);   /* .5 tie between 0, 1, 3 */
  assert_int_equal(disp_load_aware_scan(d, 4, 150), 3);  /* only 3 has 200 left */
  assert_int_equal(disp_load_aware_scan(d, 4, 201), -1);
  expire(&l, d, 9.999); /* nothing has left yet */
  assert_int_equal(disp_load_aware_scan(d, 4, 201), -1);
  expire(&l, d, 10.0);
  assert_int_equal(disp_load_aware_scan(d, 4, 201), 3); /* windows expired; 2 has no slot */
  d[2].inflight = 0;
  assert_int_equal(disp_load_aware_scan(d, 4, 201), 2); /* all at 1.0: lowest index that fits */
  win_destroy(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(random_is_uniform),
      cmocka_unit_test(weighted_follows_capacity),
      cmocka_unit_test(load_aware_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
