/* test_limiters.c: the limiter rows (sim/kinds/lim_*.c) one by one.
 *
 * Hand-computed admission sequences at the edges (a refill landing on an
 * integer, an arrival exactly at a window boundary), each kind against a
 * plain reference on random sequences, gcra against token_bucket (the same
 * admissions), and whole runs of a scenario with each kind (conservation).
 * The random cases use dyadic W, C and times on a grid of 1/64 s, where
 * every double operation of both the row and the reference is exact, so
 * they must agree exactly. */
#include <math.h>

#include "engine.h"
#include "kinds.h"
#include "report.h"
#include "scenario.h"
#include "testutil.h"

/* ---- a group over n devices ---------------------------------------------------- */

typedef struct bench {
  lim_grp g;
  dev d[8];
  size_t n;
  int drops;     /* on_drop calls */
  double drop_t; /* the last one's time */
} bench;

static void count_drop(void *ctx, uint32_t i, double t) {
  (void)i;
  ((bench *)ctx)->drops++;
  ((bench *)ctx)->drop_t = t;
}

static void bench_init(bench *b, const lim_ops *ops, double w, const uint64_t *cap, size_t n) {
  memset(b, 0, sizeof *b);
  uint32_t mem[8];
  for (size_t i = 0; i < n; i++) {
    b->d[i].cap_tokens = cap[i];
    b->d[i].max_par = 1000000;
    mem[i] = (uint32_t)i;
  }
  b->n = n;
  tu_grp_init(&b->g, ops, w, b->d, mem, n, count_drop, b);
}

/* What the engine does for one arrival of tok at t on device i: advance,
 * sync, test, admit. 1 if admitted. */
static int offer(bench *b, size_t i, uint64_t tok, double t) {
  lim_advance(&b->g, t);
  lim_sync(&b->g, (uint32_t)i, t);
  if (!dev_admits(&b->d[i], tok))
    return 0;
  assert_int_equal(lim_admit(&b->g, (uint32_t)i, tok, t), 0);
  return 1;
}

/* `used` of device i at t. */
static uint64_t used(bench *b, size_t i, double t) {
  lim_advance(&b->g, t);
  lim_sync(&b->g, (uint32_t)i, t);
  return b->d[i].used;
}

/* ---- hand-computed sequences ----------------------------------------------------- */

/* C = 10, W = 10 s: one token per second. */
static void bucket_sequence(const lim_ops *ops) {
  bench b;
  const uint64_t cap[] = {10};
  bench_init(&b, ops, 10, cap, 1);
  assert_int_equal(used(&b, 0, 0), 0); /* full at t = 0 */
  assert_int_equal(offer(&b, 0, 10, 0), 1);
  assert_int_equal(offer(&b, 0, 1, 0), 0);
  assert_int_equal(used(&b, 0, 0.5), 10); /* 0.5 token back: ceil(9.5) */
  assert_int_equal(offer(&b, 0, 1, 0.5), 0);
  assert_int_equal(used(&b, 0, 1), 9); /* exactly one token back */
  assert_int_equal(offer(&b, 0, 1, 1), 1);
  assert_int_equal(offer(&b, 0, 1, 1), 0);
  assert_int_equal(used(&b, 0, 3), 8); /* full at 11 */
  assert_int_equal(offer(&b, 0, 2, 3), 1);
  assert_int_equal(offer(&b, 0, 1, 3), 0);
  assert_int_equal(used(&b, 0, 13), 0);       /* full again exactly at 13 */
  assert_int_equal(offer(&b, 0, 11, 100), 0); /* more than C: never */
  assert_int_equal(offer(&b, 0, 10, 100), 1);
  tu_grp_destroy(&b.g);
  /* C = 3, W = 1.5 s (2 tokens/s): refills that land on integers */
  const uint64_t cap3[] = {3};
  bench_init(&b, ops, 1.5, cap3, 1);
  assert_int_equal(offer(&b, 0, 3, 0), 1);   /* full at 1.5 */
  assert_int_equal(used(&b, 0, 0.5), 2);     /* 1 s left: exactly 2 */
  assert_int_equal(offer(&b, 0, 1, 0.5), 1); /* full at 2 */
  assert_int_equal(offer(&b, 0, 1, 0.5), 0);
  assert_int_equal(used(&b, 0, 1.0), 2);     /* 1 s left: exactly 2 */
  assert_int_equal(used(&b, 0, 1.25), 2);    /* 1.5 tokens: 2 */
  assert_int_equal(offer(&b, 0, 2, 1.5), 1); /* exactly 1 used: 1 + 2 <= 3 */
  assert_int_equal(used(&b, 0, 1.5), 3);
  assert_int_equal(used(&b, 0, 3), 0);
  tu_grp_destroy(&b.g);
}

static void token_bucket_by_hand(void **state) {
  (void)state;
  bucket_sequence(&lim_token_bucket);
}

static void gcra_by_hand(void **state) {
  (void)state;
  bucket_sequence(&lim_gcra);
}

static void fixed_window_by_hand(void **state) {
  (void)state;
  bench b;
  const uint64_t cap[] = {10, 10, 10};
  bench_init(&b, &lim_fixed_window, 0.25, cap, 3);
  assert_int_equal(offer(&b, 0, 10, 0), 1);
  assert_int_equal(offer(&b, 1, 4, 0.1), 1);
  assert_int_equal(offer(&b, 0, 1, 0.2499), 0);
  assert_int_equal(b.drops, 0);
  assert_int_equal(offer(&b, 0, 10, 0.25), 1); /* exactly at W: a new window */
  assert_int_equal(b.drops, 2);                /* only the two that admitted */
  assert_true(b.drop_t == 0.25);               /* at the boundary */
  assert_int_equal(used(&b, 1, 0.25), 0);
  assert_int_equal(used(&b, 0, 0.4999), 10);
  assert_int_equal(used(&b, 0, 1.0), 0); /* several windows later */
  assert_int_equal(b.drops, 3);
  assert_true(b.drop_t == 0.5); /* when its window [0.25, 0.5) ended, not at 1.0 */
  assert_int_equal(offer(&b, 2, 10, 1.0), 1);
  assert_int_equal(offer(&b, 2, 1, 1.2), 0);
  tu_grp_destroy(&b.g);
  /* W = 0.1: window 3 starts at 3 * 0.1 = 0.30000000000000004 as a double,
   * so an arrival at the literal 0.3 is still in window 2 */
  bench_init(&b, &lim_fixed_window, 0.1, cap, 1);
  assert_int_equal(lim_window_of(0.3, 0.1), 2);
  assert_int_equal(lim_window_of(3 * 0.1, 0.1), 3);
  assert_int_equal(offer(&b, 0, 10, 0.2), 1);
  assert_int_equal(offer(&b, 0, 10, 0.3), 0);
  assert_int_equal(offer(&b, 0, 10, 3 * 0.1), 1);
  tu_grp_destroy(&b.g);
}

static void sliding_counter_by_hand(void **state) {
  (void)state;
  bench b;
  const uint64_t cap[] = {10};
  bench_init(&b, &lim_sliding_counter, 1, cap, 1);
  assert_int_equal(offer(&b, 0, 6, 0), 1);
  assert_int_equal(offer(&b, 0, 5, 0.5), 0);
  assert_int_equal(offer(&b, 0, 4, 0.5), 1); /* cur 10 */
  assert_int_equal(used(&b, 0, 1.0), 10);    /* prev 10, weight 1 */
  assert_int_equal(offer(&b, 0, 1, 1.0), 0);
  assert_int_equal(used(&b, 0, 1.25), 8);     /* 7.5 */
  assert_int_equal(offer(&b, 0, 2, 1.25), 1); /* 9.5 <= 10; cur 2 */
  assert_int_equal(offer(&b, 0, 1, 1.25), 0); /* 10.5 */
  assert_int_equal(used(&b, 0, 1.5), 7);      /* 2 + 5 */
  assert_int_equal(offer(&b, 0, 3, 1.5), 1);  /* cur 5 */
  assert_int_equal(used(&b, 0, 2.5), 3);      /* window 2: prev 5, weight 0.5 */
  assert_int_equal(offer(&b, 0, 7, 2.5), 1);
  assert_int_equal(offer(&b, 0, 1, 2.5), 0);
  assert_int_equal(used(&b, 0, 4.0), 0); /* window 4: window 3 was empty */
  assert_int_equal(offer(&b, 0, 10, 4.0), 1);
  tu_grp_destroy(&b.g);
}

/* ---- references ------------------------------------------------------------------ */

static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DULL;
}

/* The plain references, one device each: a bucket level refilled on every
 * arrival; GCRA's conformance test on times; sums over a log of admissions
 * for the two window kinds. */
typedef struct ref {
  double level, last, tat;
  double at[4096];
  uint64_t tok[4096];
  size_t n;
} ref;

static int ref_bucket(ref *r, uint64_t c, double w, uint64_t k, double t) {
  r->level = fmin((double)c, r->level + (t - r->last) * (double)c / w);
  r->last = t;
  if (r->level < (double)k)
    return 0;
  r->level -= (double)k;
  return 1;
}

static int ref_gcra(ref *r, uint64_t c, double w, uint64_t k, double t) {
  double tau = w, ti = w / (double)c, tat = fmax(r->tat, t);
  if (tat + (double)k * ti - t > tau)
    return 0;
  r->tat = tat + (double)k * ti;
  return 1;
}

/* Tokens admitted in window j (floor(a / W) == j; exact for dyadic W). */
static double ref_sum(const ref *r, double w, double j) {
  double s = 0;
  for (size_t m = 0; m < r->n; m++)
    if (floor(r->at[m] / w) == j)
      s += (double)r->tok[m];
  return s;
}

static int ref_log(ref *r, uint64_t k, double t) {
  r->at[r->n] = t, r->tok[r->n++] = k;
  return 1;
}

static int ref_fixed(ref *r, uint64_t c, double w, uint64_t k, double t) {
  if (ref_sum(r, w, floor(t / w)) + (double)k > (double)c)
    return 0;
  return ref_log(r, k, t);
}

static int ref_counter(ref *r, uint64_t c, double w, uint64_t k, double t) {
  double j = floor(t / w);
  double est = ref_sum(r, w, j) + ref_sum(r, w, j - 1) * (1 - (t - j * w) / w);
  if (est + (double)k > (double)c)
    return 0;
  return ref_log(r, k, t);
}

typedef int (*ref_fn)(ref *r, uint64_t c, double w, uint64_t k, double t);

/* Random arrivals on 3 devices (C a power of two, W in {0.5, 1, 2, 4},
 * times on a 1/64 s grid, k up to C + 1): the row and the reference must
 * admit exactly the same requests. */
static void against(const lim_ops *ops, ref_fn fn, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 7, cap[3];
  double w = ldexp(1, (int)(next_u64(&s) % 4) - 1);
  for (int i = 0; i < 3; i++)
    cap[i] = (uint64_t)1 << (1 + next_u64(&s) % 6);
  bench b;
  bench_init(&b, ops, w, cap, 3);
  static ref r[3];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 3; i++)
    r[i].level = (double)cap[i];
  double t = 0;
  int yes = 0, no = 0;
  for (int step = 0; step < 3000; step++) {
    t += (double)(next_u64(&s) % (uint64_t)(w * 64)) / 64; /* gaps in [0, W) */
    size_t i = next_u64(&s) % 3;
    uint64_t k = 1 + next_u64(&s) % (cap[i] + 1);
    int want = fn(&r[i], cap[i], w, k, t);
    assert_int_equal(offer(&b, i, k, t), want);
    want ? yes++ : no++;
  }
  assert_true(yes > 100 && no > 100);
  tu_grp_destroy(&b.g);
}

static void random_against_references(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 20; seed++) {
    against(&lim_token_bucket, ref_bucket, seed);
    against(&lim_gcra, ref_gcra, seed);
    against(&lim_gcra, ref_bucket, seed); /* GCRA admits what the bucket admits */
    against(&lim_fixed_window, ref_fixed, seed);
    against(&lim_sliding_counter, ref_counter, seed);
  }
}

/* gcra and token_bucket side by side: the same admissions and the same
 * `used` at every step. */
static void gcra_is_token_bucket(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 50; seed++) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 3, cap[3];
    double w = ldexp(1, (int)(next_u64(&s) % 4) - 1);
    for (int i = 0; i < 3; i++)
      cap[i] = (uint64_t)1 << (next_u64(&s) % 8);
    bench a, g;
    bench_init(&a, &lim_token_bucket, w, cap, 3);
    bench_init(&g, &lim_gcra, w, cap, 3);
    double t = 0;
    for (int step = 0; step < 2000; step++) {
      t += (double)(next_u64(&s) % (uint64_t)(w * 64)) / 64;
      size_t i = next_u64(&s) % 3;
      uint64_t k = 1 + next_u64(&s) % (cap[i] + 1);
      assert_int_equal(used(&a, i, t), used(&g, i, t));
      assert_int_equal(offer(&a, i, k, t), offer(&g, i, k, t));
      assert_int_equal(a.d[i].used, g.d[i].used);
    }
    tu_grp_destroy(&a.g);
    tu_grp_destroy(&g.g);
  }
}

/* ---- ready_at: when a waiting request first fits ---------------------------------- */

/* Whether device i would admit k tokens at t (advance, sync, test). */
static int fits(bench *b, size_t i, uint64_t k, double t) {
  return used(b, i, t) + k <= b->d[i].cap_tokens;
}

/* Random admissions on 3 devices with W and C that are not powers of two
 * and times off any grid (so the kinds' arithmetic rounds), and between
 * them, for random k: r = ready_at(t) must pass the admission test at r,
 * fail it at every probed time in [t, r) (the double just below r
 * included, and the test is monotone), and the request then admitted at r
 * (as a queue head would be). */
static void ready_at_first_pass(const lim_ops *ops, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 11, cap[3];
  double w = 0.3 + (double)(next_u64(&s) % 10000) / 1300;
  for (int i = 0; i < 3; i++)
    cap[i] = 1 + next_u64(&s) % 50;
  bench b;
  bench_init(&b, ops, w, cap, 3);
  double t = 0;
  int waited = 0;
  for (int step = 0; step < 2000; step++) {
    t += w * (double)(next_u64(&s) % 1000003) / 4e6; /* gaps in [0, W / 4) */
    size_t i = next_u64(&s) % 3;
    uint64_t k = 1 + next_u64(&s) % (cap[i] + 1);
    if (next_u64(&s) % 2) {
      offer(&b, i, k, t);
      continue;
    }
    lim_advance(&b.g, t);
    double r = ops->ready_at(&b.g, (uint32_t)i, k, t);
    if (k > cap[i]) {
      assert_true(r == INFINITY);
      continue;
    }
    assert_true(r >= t && r < INFINITY);
    if (r > t) {
      static const double f[] = {0, 0.25, 0.5, 0.75, 0.999};
      for (int m = 0; m < 5; m++)
        assert_false(fits(&b, i, k, t + (r - t) * f[m]));
      assert_false(fits(&b, i, k, nextafter(r, 0)));
      waited++;
    }
    t = r;
    assert_int_equal(offer(&b, i, k, t), 1);
  }
  assert_true(waited > 100);
  tu_grp_destroy(&b.g);
}

/* Every kind says when a waiting request fits (queues, svc.h), but the
 * sliding window, whose expiries are events while one waits. */
static void ready_at_every_kind(void **state) {
  (void)state;
  for (size_t k = 0; LIM_REGISTRY.rows[k]; k++) {
    const lim_ops *ops = (const lim_ops *)(const void *)LIM_REGISTRY.rows[k]; /* h is first */
    assert_true((ops->ready_at == NULL) == (ops == &lim_sliding_window));
    for (uint64_t seed = 1; ops->ready_at && seed <= 20; seed++)
      ready_at_first_pass(ops, seed);
  }
}

/* ---- whole runs ---------------------------------------------------------------- */

static void runs_conserve(void **state) {
  (void)state;
  const char *kinds[] = {"token_bucket", "gcra", "fixed_window", "sliding_counter"};
  const char *pols[] = {"random", "weighted", "load_aware"};
  for (int k = 0; k < 4; k++)
    for (int p = 0; p < 3; p++) {
      char a[64], b[64];
      snprintf(a, sizeof a, "limiter.kind=%s", kinds[k]);
      snprintf(b, sizeof b, "dispatch.policy=%s", pols[p]);
      const char *sets[] = {a, b, "cloud.enabled=false"};
      es_err e = {0};
      scn *s = NULL;
      assert_int_equal(scn_load(tu_scenario("bursty_loadaware.json"), sets, 3, tu_models(), &s, &e),
                       0);
      es_result *r = es_result_new(s);
      es_opts o = {0};
      assert_int_equal(es_run(s, 1, &o, r, &e), 0);
      double served = 0, tokens = 0;
      for (size_t i = 0; i < s->ninst; i++)
        served += r->dev[i].served, tokens += r->dev[i].tokens;
      assert_true(r->generated > 0 && r->edge_served > 0);
      assert_close(r->generated, r->edge_served + r->redirected + r->dropped, 0);
      assert_close(r->tok_generated, r->tok_edge + r->tok_cloud + r->tok_dropped, 0);
      assert_close(served, r->edge_served, 0);
      assert_close(tokens, r->tok_edge, 0);
      es_result_free(r);
      scn_free(s);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(token_bucket_by_hand),
      cmocka_unit_test(gcra_by_hand),
      cmocka_unit_test(fixed_window_by_hand),
      cmocka_unit_test(sliding_counter_by_hand),
      cmocka_unit_test(random_against_references),
      cmocka_unit_test(gcra_is_token_bucket),
      cmocka_unit_test(runs_conserve),
      cmocka_unit_test(ready_at_every_kind),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
