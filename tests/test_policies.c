/* test_policies.c: round_robin, power_of_d, least_outstanding,
 * least_latency and dispatch.attempts.
 *
 * Choice distributions against theory (round_robin's exact cycle,
 * power_of_d's order-statistics law by chi-square, attempts' hit rates),
 * the two index-based policies against plain O(D) reference scans on random
 * admission / completion / expiry sequences (as test_loadidx does for
 * load_aware), and hand-computed attempts cases. */
#include "testutil.h"

#include <math.h>

#include "engine.h"
#include "kinds.h"
#include "report.h"
#include "scenario.h"
#include "window.h"

/* ---- helpers ------------------------------------------------------------------ */

/* n devices of capacity cap and p slots, nothing in flight. */
static void devs_same(dev *d, size_t n, uint64_t cap, uint32_t p) {
  memset(d, 0, n * sizeof *d);
  for (size_t i = 0; i < n; i++)
    d[i].cap_tokens = cap, d[i].max_par = p;
}

static void init(disp *x, const disp_ops *ops, const void *cfg, const scn *s, uint32_t attempts,
                 dev *d, size_t n, uint64_t seed) {
  assert_int_equal(disp_init_with(x, ops, cfg, s, attempts, d, n, NULL, seed), 0);
}

/* Chi-square of `draws` picks of 1 token against probabilities p[0..n). */
static double chi2_picks(disp *x, const double *p, size_t n, int draws) {
  double count[64] = {0};
  for (int k = 0; k < draws; k++) {
    long i = disp_pick(x, 1, 0);
    assert_true(i >= 0 && (size_t)i < n);
    count[i]++;
  }
  double chi2 = 0;
  for (size_t i = 0; i < n; i++)
    chi2 += (count[i] - draws * p[i]) * (count[i] - draws * p[i]) / (draws * p[i]);
  return chi2;
}

/* Fraction of `draws` picks that return device `want`. */
static double hit_rate(disp *x, long want, uint64_t tok, int draws) {
  int hits = 0;
  for (int k = 0; k < draws; k++)
    hits += disp_pick(x, tok, 0) == want;
  return (double)hits / draws;
}

/* |got - p| within 5 standard deviations of a binomial proportion. */
static void near_p(double got, double p, int draws) {
  double sd = sqrt(p * (1 - p) / draws);
  if (fabs(got - p) > 5 * sd + 1e-12)
    fail_msg("rate %.5f, want %.5f +- %.5f", got, p, 5 * sd);
}

/* xorshift64*: the test's own numbers, independent of GSL. */
static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DULL;
}

/* ---- round_robin ---------------------------------------------------------------- */

static void round_robin_cycle(void **state) {
  (void)state;
  dev d[5];
  devs_same(d, 5, 100, 1);
  disp x;
  init(&x, &disp_round_robin, NULL, NULL, 1, d, 5, 1);
  for (int k = 0; k < 23; k++) /* one attempt: the cycle, admitting or not */
    assert_int_equal(disp_pick(&x, 1000, 0), k % 5);
  disp_destroy(&x);
}

static void round_robin_attempts(void **state) {
  (void)state;
  dev d[5];
  devs_same(d, 5, 100, 1);
  d[1].inflight = d[2].inflight = 1; /* no slot */
  disp x;
  init(&x, &disp_round_robin, NULL, NULL, 3, d, 5, 1);
  assert_int_equal(disp_pick(&x, 10, 0), 0); /* admits */
  assert_int_equal(disp_pick(&x, 10, 0), 3); /* 1, 2 full; 3 admits */
  assert_int_equal(disp_pick(&x, 10, 0), 4);
  assert_int_equal(disp_pick(&x, 200, 0), 2); /* 0, 1, 2 tried: the last one */
  assert_int_equal(disp_pick(&x, 10, 0), 3);  /* the one after the last tried */
  disp_destroy(&x);
}

/* ---- power_of_d ---------------------------------------------------------------- */

static double choose(double n, double k) {
  if (k < 0 || k > n)
    return 0;
  double c = 1;
  for (int i = 1; i <= (int)k; i++)
    c = c * (n - k + i) / i;
  return c;
}

/* With every device admitting and free fractions all different, the device
 * of rank r (0: the largest fraction) is chosen iff it is sampled and the
 * other d - 1 come from the n - 1 - r below it: C(n-1-r, d-1) / C(n, d). */
static void power_of_d_law(void **state) {
  (void)state;
  enum { N = 8 };
  static const uint64_t used[N] = {700, 0, 350, 900, 100, 500, 250, 800}; /* of 1000 */
  dev d[N];
  devs_same(d, N, 1000, 4);
  for (size_t i = 0; i < N; i++)
    d[i].used = used[i];
  for (uint64_t dd = 1; dd <= 3; dd++) {
    double p[N];
    for (size_t i = 0; i < N; i++) {
      size_t rank = 0; /* devices with a larger free fraction */
      for (size_t j = 0; j < N; j++)
        rank += used[j] < used[i];
      p[i] = choose(N - 1 - (double)rank, (double)dd - 1) / choose(N, (double)dd);
    }
    struct {
      uint64_t d;
    } cfg = {dd};
    disp x;
    init(&x, &disp_power_of_d, &cfg, NULL, 1, d, N, 10 + dd);
    double chi2 = chi2_picks(&x, p, N, 200000);
    if (chi2 >= 24.32) /* 99.9% point, 7 dof */
      fail_msg("d = %llu: chi-square %.2f", (unsigned long long)dd, chi2);
    disp_destroy(&x);
  }
}

static void power_of_d_admission(void **state) {
  (void)state;
  dev d[4];
  devs_same(d, 4, 100, 1);
  d[0].inflight = d[1].inflight = d[2].inflight = 1; /* only 3 admits */
  d[3].used = 90;                                    /* and it is the fullest */
  struct {
    uint64_t d;
  } cfg = {2};
  disp x;
  /* one round of 2: 3 is in it with probability 1/2 */
  init(&x, &disp_power_of_d, &cfg, NULL, 1, d, 4, 5);
  near_p(hit_rate(&x, 3, 10, 100000), 0.5, 100000);
  disp_destroy(&x);
  /* two rounds of 2 see every device */
  init(&x, &disp_power_of_d, &cfg, NULL, 2, d, 4, 6);
  assert_true(hit_rate(&x, 3, 10, 10000) == 1.0);
  /* nothing admits 20 tokens: rejected on the last round's largest free
   * fraction, here 0, 1 or 2 (free 1.0, ties to the lowest index) */
  for (int k = 0; k < 1000; k++) {
    long i = disp_pick(&x, 20, 0);
    assert_true(i >= 0 && i <= 2);
  }
  disp_destroy(&x);
  /* d = n: always the best that admits, whatever the draws */
  d[3].inflight = 1, d[1].inflight = 0, d[1].used = 50;
  cfg.d = 4;
  init(&x, &disp_power_of_d, &cfg, NULL, 1, d, 4, 7);
  assert_true(hit_rate(&x, 1, 10, 1000) == 1.0);
  assert_true(hit_rate(&x, 0, 60, 1000) == 1.0); /* nothing admits: 0 has free 1.0 */
  disp_destroy(&x);
}

/* ---- attempts for random and weighted ------------------------------------------ */

static void random_attempts(void **state) {
  (void)state;
  dev d[4];
  devs_same(d, 4, 100, 1);
  d[0].inflight = d[1].inflight = d[3].inflight = 1; /* only 2 admits */
  disp x;
  for (uint32_t k = 1; k <= 4; k++) {
    init(&x, &disp_random, NULL, NULL, k, d, 4, 20 + k);
    near_p(hit_rate(&x, 2, 10, 100000), k / 4.0, 100000); /* k distinct of 4 */
    disp_destroy(&x);
  }
}

static void weighted_attempts(void **state) {
  (void)state;
  dev d[4];
  devs_same(d, 4, 0, 1);
  for (size_t i = 0; i < 4; i++)
    d[i].cap_tokens = 100 * (i + 1), d[i].inflight = i > 0; /* only 0 admits */
  disp x;
  /* P(0 in two draws without replacement, by C) = 0.1 + sum_j p_j 100 / (1000 - C_j) */
  const double p2 = 0.1 + 0.2 * 100 / 800 + 0.3 * 100 / 700 + 0.4 * 100 / 600;
  const double want[] = {0.1, p2, 0, 1.0};
  for (uint32_t k = 1; k <= 4; k++) {
    if (k == 3)
      continue;
    init(&x, &disp_weighted, NULL, NULL, k, d, 4, 30 + k);
    near_p(hit_rate(&x, 0, 10, 100000), want[k - 1], 100000);
    disp_destroy(&x);
  }
}

/* ---- the index-based policies against reference scans ----------------------------- */

/* The entries of a fake scenario for least_latency: service ttft + tok/tgs,
 * with two pairs of entries equal (ties across classes). */
static scn_device ENTRIES[] = {
    {.ttft_s = 0.5, .tgs = 20}, {.ttft_s = 0.5, .tgs = 20}, {.ttft_s = 0.1, .tgs = 10},
    {.ttft_s = 1.0, .tgs = 40}, {.ttft_s = 0.1, .tgs = 10}, {.ttft_s = 0.0, .tgs = 5},
};
enum { NENT = sizeof ENTRIES / sizeof *ENTRIES };

typedef long (*rule_fn)(const dev *d, size_t n, const unsigned char *out, uint64_t tok);

static double ffrac(const dev *v) { return dev_free_frac(v); }

/* Fewest in flight, then larger free fraction, then lowest index. */
static long ref_outstanding(const dev *d, size_t n, const unsigned char *out, uint64_t tok) {
  (void)tok;
  long b = -1;
  for (size_t i = 0; i < n; i++) {
    if (out[i])
      continue;
    if (b < 0 || d[i].inflight < d[b].inflight ||
        (d[i].inflight == d[b].inflight && ffrac(&d[i]) > ffrac(&d[b])))
      b = (long)i;
  }
  return b;
}

/* A free slot; smallest service, then larger free fraction, lowest index. */
static long ref_latency(const dev *d, size_t n, const unsigned char *out, uint64_t tok) {
  long b = -1;
  double bs = 0;
  for (size_t i = 0; i < n; i++) {
    if (out[i] || d[i].inflight >= d[i].max_par)
      continue;
    const scn_device *e = &ENTRIES[d[i].spec];
    double s = e->ttft_s + (double)tok / e->tgs;
    if (b < 0 || s < bs || (s == bs && ffrac(&d[i]) > ffrac(&d[b])))
      b = (long)i, bs = s;
  }
  return b;
}

/* The rule with up to k attempts: the next candidate in the rule's order
 * until one admits; the last one tried otherwise (-1 if none). */
static long ref_attempts(rule_fn rule, const dev *d, size_t n, uint64_t tok, uint32_t k) {
  static unsigned char out[1024];
  memset(out, 0, sizeof out);
  long last = -1;
  for (uint32_t a = 0; a < k; a++) {
    long i = rule(d, n, out, tok);
    if (i < 0)
      break;
    last = i;
    if (a + 1 == k || dev_admits(&d[i], tok))
      break;
    out[i] = 1;
  }
  return last;
}

/* Random events through a policy over n devices (entries, hence C, P and
 * service times, from small sets so classes and ties are many); the fast
 * pick must equal the reference at every arrival. */
static void random_case(const disp_ops *ops, rule_fn rule, uint64_t seed, size_t n, uint32_t k,
                        int steps) {
  static const uint64_t caps[] = {400, 800, 1000, 400, 250, 800};
  static const uint64_t toks[] = {50, 100, 200, 300, 500, 1000};
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
  static dev d[1024];
  assert_true(n <= 1024);
  memset(d, 0, sizeof d);
  for (size_t i = 0; i < n; i++) {
    d[i].spec = (uint32_t)(next_u64(&s) % NENT);
    d[i].cap_tokens = caps[d[i].spec];
    d[i].max_par = 1 + d[i].spec % 3;
  }
  scn sc = {.dev = ENTRIES, .ndev = NENT};
  disp x;
  init(&x, ops, NULL, &sc, k, d, n, seed);
  win l;
  assert_int_equal(win_init(&l, 1.0), 0);
  double t = 0;
  long admitted = 0, rejected = 0;
  for (int step = 0; step < steps; step++) {
    t += (double)(next_u64(&s) % 3) * 0.25;
    if (next_u64(&s) % 10 < 6) { /* an arrival */
      uint64_t tok = toks[next_u64(&s) % 6];
      win_entry e;
      while (win_pop_due(&l, t, &e)) {
        d[e.dev].used -= e.tokens;
        disp_expired(&x, e.dev);
      }
      long fast = disp_pick(&x, tok, t), ref = ref_attempts(rule, d, n, tok, k);
      if (fast != ref)
        fail_msg("%s seed %llu step %d: pick %ld, reference %ld", ops->h.name,
                 (unsigned long long)seed, step, fast, ref);
      if (fast < 0 || !dev_admits(&d[fast], tok)) {
        rejected++;
        continue;
      }
      assert_int_equal(win_add(&l, t, (uint32_t)fast, tok), 0);
      d[fast].used += tok;
      d[fast].inflight++;
      disp_admitted(&x, (size_t)fast);
      admitted++;
    } else { /* a completion on a busy device, if any */
      size_t i = next_u64(&s) % n;
      for (size_t j = 0; j < n && !d[i].inflight; j++)
        i = (i + 1) % n;
      if (d[i].inflight) {
        d[i].inflight--;
        disp_completed(&x, i);
      }
    }
  }
  assert_true(admitted > 0 && rejected > 0);
  disp_destroy(&x);
  win_destroy(&l);
}

static void outstanding_vs_scan(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 40; seed++)
    random_case(&disp_least_outstanding, ref_outstanding, seed, 1 + seed % 64,
                1 + (uint32_t)(seed % 4), 3000);
  for (uint64_t seed = 1; seed <= 4; seed++) /* classes of hundreds: trees 3-4 levels deep */
    random_case(&disp_least_outstanding, ref_outstanding, seed, 1000, (uint32_t)seed, 20000);
}

static void latency_vs_scan(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 40; seed++)
    random_case(&disp_least_latency, ref_latency, seed, 1 + seed % 64, 1 + (uint32_t)(seed % 4),
                3000);
  for (uint64_t seed = 1; seed <= 4; seed++)
    random_case(&disp_least_latency, ref_latency, seed, 1000, (uint32_t)seed, 20000);
}

/* Hand-computed: in flight 0, 1, 2 of 4 slots; device 0 has no tokens left. */
static void outstanding_attempts(void **state) {
  (void)state;
  dev d[3];
  devs_same(d, 3, 100, 4);
  d[0].used = 100, d[1].inflight = 1, d[2].inflight = 2;
  disp x;
  init(&x, &disp_least_outstanding, NULL, NULL, 1, d, 3, 1);
  assert_int_equal(disp_pick(&x, 10, 0), 0); /* fewest in flight; the engine rejects it */
  disp_destroy(&x);
  init(&x, &disp_least_outstanding, NULL, NULL, 2, d, 3, 1);
  assert_int_equal(disp_pick(&x, 10, 0), 1);  /* 0 refuses, 1 admits */
  assert_int_equal(disp_pick(&x, 10, 0), 1);  /* 0 is back in after the request */
  assert_int_equal(disp_pick(&x, 100, 0), 1); /* nothing fits 100 + ... : 0, then 1, the last */
  disp_destroy(&x);
}

/* Hand-computed: entry 0 is fast for short requests, entry 1 for long. */
static void latency_rule(void **state) {
  (void)state;
  scn_device e[] = {{.ttft_s = 0.1, .tgs = 10}, {.ttft_s = 2.0, .tgs = 100}};
  scn sc = {.dev = e, .ndev = 2};
  dev d[4];
  devs_same(d, 4, 1000, 1);
  d[2].spec = d[3].spec = 1;
  d[0].used = 500; /* entry 0: device 1 has the larger free fraction */
  disp x;
  init(&x, &disp_least_latency, NULL, &sc, 1, d, 4, 1);
  assert_int_equal(disp_pick(&x, 10, 0), 1);  /* 1.1 s against 2.1 s */
  assert_int_equal(disp_pick(&x, 500, 0), 2); /* 50.1 s against 7 s */
  d[2].inflight = 1, disp_admitted(&x, 2);
  assert_int_equal(disp_pick(&x, 500, 0), 3);
  d[3].inflight = 1, disp_admitted(&x, 3);
  assert_int_equal(disp_pick(&x, 500, 0), 1); /* entry 1 has no free slot */
  d[0].inflight = d[1].inflight = 1, disp_admitted(&x, 0), disp_admitted(&x, 1);
  assert_int_equal(disp_pick(&x, 500, 0), -1); /* no free slot anywhere */
  d[2].inflight = 0, disp_completed(&x, 2);
  assert_int_equal(disp_pick(&x, 500, 0), 2);
  disp_destroy(&x);
}

/* ---- whole runs ---------------------------------------------------------------------- */

static char *run_json(const char *file, const char *const *sets, size_t nsets) {
  scn *s = NULL;
  es_err e = {0};
  assert_int_equal(scn_load(file, sets, nsets, NULL, &s, &e), 0);
  es_result *r = es_result_new(s);
  assert_non_null(r);
  es_opts o = {0};
  assert_int_equal(es_run(s, 1, &o, r, &e), 0);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  rep_json(f, r);
  fclose(f);
  es_result_free(r);
  scn_free(s);
  return buf;
}

/* load_aware already searches every device: attempts changes nothing. */
static void load_aware_ignores_attempts(void **state) {
  (void)state;
  const char *one[] = {"dispatch.policy=load_aware"};
  const char *three[] = {"dispatch.policy=load_aware", "dispatch.attempts=3"};
  char *a = run_json("scenarios/bursty_random.json", one, 1);
  char *b = run_json("scenarios/bursty_random.json", three, 2);
  assert_string_equal(a, b);
  free(a);
  free(b);
}

/* Where rejections are counted: once per rejected request, on the last
 * device tried, so the devices' counts add up to the edge's rejections for
 * the policies that always return a device; load_aware and least_latency
 * may reject on no device (fewer). More attempts never reject more here. */
static void rejections_counted_once(void **state) {
  (void)state;
  for (const kind_hdr *const *r = DISP_REGISTRY.rows; *r; r++) {
    double rejected[2];
    for (int a = 0; a < 2; a++) {
      char pol[64], att[64];
      snprintf(pol, sizeof pol, "dispatch.policy=%s", (*r)->name);
      snprintf(att, sizeof att, "dispatch.attempts=%d", a ? 3 : 1);
      const char *sets[] = {pol, att};
      scn *s = NULL;
      es_err e = {0};
      assert_int_equal(scn_load("scenarios/bursty_random.json", sets, 2, NULL, &s, &e), 0);
      es_result *res = es_result_new(s);
      assert_non_null(res);
      es_opts o = {0};
      assert_int_equal(es_run(s, 1, &o, res, &e), 0);
      double on_devices = 0;
      for (size_t i = 0; i < res->ndev; i++)
        on_devices += res->dev[i].rejected;
      rejected[a] = res->redirected + res->dropped;
      if (!strcmp((*r)->name, "load_aware") || !strcmp((*r)->name, "least_latency"))
        assert_true(on_devices <= rejected[a]);
      else if (on_devices != rejected[a])
        fail_msg("%s, attempts %d: %.0f on devices, %.0f rejected", (*r)->name, a ? 3 : 1,
                 on_devices, rejected[a]);
      es_result_free(res);
      scn_free(s);
    }
    if (rejected[1] > rejected[0])
      fail_msg("%s: %.0f rejected with 3 attempts, %.0f with 1", (*r)->name, rejected[1],
               rejected[0]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_robin_cycle),
      cmocka_unit_test(round_robin_attempts),
      cmocka_unit_test(power_of_d_law),
      cmocka_unit_test(power_of_d_admission),
      cmocka_unit_test(random_attempts),
      cmocka_unit_test(weighted_attempts),
      cmocka_unit_test(outstanding_vs_scan),
      cmocka_unit_test(latency_vs_scan),
      cmocka_unit_test(outstanding_attempts),
      cmocka_unit_test(latency_rule),
      cmocka_unit_test(load_aware_ignores_attempts),
      cmocka_unit_test(rejections_counted_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
