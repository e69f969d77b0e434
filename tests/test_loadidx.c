/* test_loadidx.c: the O(log D) load_aware index against the plain scan.
 *
 * Random admission / completion / expiry sequences must give the scan's
 * choice at every step, and whole runs must print the same JSON with either
 * implementation. The same for every limiter kind, alone and mixed across
 * groups: the fast pick must be the scan's after every device is synced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kinds.h"
#include "engine.h"
#include "loadidx.h"
#include "report.h"
#include "scenario.h"
#include "testutil.h"
#include "window.h"

/* ---- helpers ------------------------------------------------------------------ */

static void devs_init(dev *d, size_t n, const uint64_t *cap, const uint64_t *par) {
  memset(d, 0, n * sizeof *d);
  for (size_t i = 0; i < n; i++) {
    d[i].cap_tokens = cap[i];
    d[i].max_par = (uint32_t)par[i];
  }
}

/* What the engine does on an admission of device i at t (the caller counts
 * it in flight first, or not, as the case needs)... */
static void admit(win *l, lix *x, dev *d, double t, size_t i, uint64_t tok) {
  assert_int_equal(win_add(l, t, (uint32_t)i, tok), 0);
  d[i].used += tok;
  lix_changed(x, i);
}

/* ... and before each decision at t: every admission due by t leaves. */
static void expire(win *l, lix *x, dev *d, double t) {
  win_entry e;
  while (win_pop_due(l, t, &e)) {
    d[e.dev].used -= e.tokens;
    lix_changed(x, e.dev);
  }
}

/* Each class root must be the least-used member with a free slot (lowest
 * index on ties), computed by brute force from the devices. */
static void check_roots(const lix *x) {
  for (size_t k = 0; k < x->ncls; k++) {
    uint32_t key = LIX_FULL;
    uint32_t who = UINT32_MAX;
    for (size_t i = 0; i < x->n; i++) {
      const dev *d = &x->devs[i];
      if (x->at[i].cls != k || d->inflight >= d->max_par)
        continue;
      if (who == UINT32_MAX || d->used < key)
        key = (uint32_t)d->used, who = (uint32_t)i;
    }
    assert_int_equal(lix_key(x->cls[k].tree[0]), key);
    if (key != LIX_FULL)
      assert_int_equal(lix_dev(x->cls[k].tree[0]), who);
  }
}

/* xorshift64*: the test's own numbers, independent of GSL. */
static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DULL;
}

/* Drives `steps` random events through a load_aware dispatcher over n
 * devices whose (C, P) come from small sets (so classes and ties are many),
 * asserting fast pick == scan pick at every arrival. Times sit on a grid of
 * W/4 so admissions often leave their window exactly at an arrival. */
static void random_case(uint64_t seed, size_t n, size_t ncap, size_t npar, int steps) {
  static const uint64_t caps[] = {400, 800, 1000, 250};
  static const uint64_t toks[] = {50, 100, 200, 300, 500, 1000};
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1, cap[64], par[64];
  dev d[64];
  assert_true(n <= 64);
  for (size_t i = 0; i < n; i++) {
    cap[i] = caps[next_u64(&s) % ncap];
    par[i] = 1 + next_u64(&s) % npar;
  }
  const double w = 1.0;
  devs_init(d, n, cap, par);
  disp dp;
  assert_int_equal(disp_init(&dp, &disp_load_aware, NULL, d, n, NULL, seed), 0);
  win l;
  assert_int_equal(win_init(&l, w), 0);
  double t = 0;
  long admitted = 0, rejected = 0;
  for (int k = 0; k < steps; k++) {
    t += (double)(next_u64(&s) % 3) * w / 4; /* gaps of 0, W/4, W/2 */
    uint64_t r = next_u64(&s) % 10;
    if (r < 6) { /* an arrival */
      uint64_t tok = toks[next_u64(&s) % 6];
      expire(&l, (lix *)dp.st, d, t);
      long fast = disp_pick(&dp, tok, 0);
      long scan = disp_load_aware_scan(d, n, tok);
      assert_int_equal(fast, scan);
      check_roots((lix *)dp.st);
      if (fast < 0) {
        rejected++;
        continue;
      }
      assert_true(dev_admits(&d[fast], tok));
      d[fast].inflight++;
      admit(&l, (lix *)dp.st, d, t, (size_t)fast, tok);
      admitted++;
    } else { /* a completion on a random busy device, if any */
      size_t i = next_u64(&s) % n;
      for (size_t j = 0; j < n && !d[i].inflight; j++)
        i = (i + 1) % n;
      if (d[i].inflight) {
        d[i].inflight--;
        disp_completed(&dp, i);
      }
    }
  }
  /* both outcomes must have happened, or the case tested little */
  assert_true(admitted > 0);
  assert_true(rejected > 0);
  disp_destroy(&dp);
  win_destroy(&l);
}

/* ---- lazy limiter kinds ------------------------------------------------------------ */

static const lim_ops *const KINDS[] = {&lim_sliding_window, &lim_token_bucket, &lim_gcra,
                                       &lim_fixed_window, &lim_sliding_counter};
enum { NKINDS = sizeof KINDS / sizeof *KINDS };

static void drop_to_disp(void *ctx, uint32_t i, double t) {
  (void)t;
  disp_expired(ctx, i);
}

/* Drives `steps` random arrivals and completions through load_aware over n
 * devices in ngrp limiter groups (device i in group i % ngrp; group k of
 * kind kinds[k], W of 1 or 0.7 s), asserting at every arrival that the
 * index picks what the scan picks after syncing every device to t. Gaps are
 * multiples of W/8 (boundaries and refills land on arrivals) or arbitrary. */
static void kinds_case(uint64_t seed, size_t n, const lim_ops *const *kinds, size_t ngrp,
                       int steps) {
  static const uint64_t caps[] = {400, 800, 1000, 250};
  static const uint64_t toks[] = {50, 100, 200, 300, 500, 1000};
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 5, *cap = malloc(2 * n * sizeof *cap), *par = cap + n;
  dev *d = malloc(n * sizeof *d);
  uint32_t *mem = malloc(n * sizeof *mem);
  /* more than 64 devices: n times the arrivals per second of a small case,
   * so that large classes are loaded too (a fifth to a third rejected) */
  double pace = n > 64 ? (double)n : 1;
  assert_true(cap && d && mem && ngrp <= n);
  for (size_t i = 0; i < n; i++) {
    cap[i] = caps[next_u64(&s) % 4];
    par[i] = 1 + next_u64(&s) % 3;
  }
  devs_init(d, n, cap, par);
  disp dp;
  lim_set ls = {.n = ngrp};
  ls.g = calloc(ngrp, sizeof *ls.g);
  assert_non_null(ls.g);
  for (size_t k = 0; k < ngrp; k++) {
    size_t m = 0;
    for (size_t i = k; i < n; i += ngrp)
      mem[m++] = (uint32_t)i, d[i].grp = (uint32_t)k;
    double w = next_u64(&s) % 2 ? 1.0 : 0.7;
    tu_grp_init(&ls.g[k], kinds[k], w, d, mem, m, drop_to_disp, &dp);
    ls.lazy |= kinds[k]->sync != NULL;
  }
  assert_int_equal(disp_init(&dp, &disp_load_aware, NULL, d, n, &ls, seed), 0);
  double t = 0;
  long admitted = 0, rejected = 0;
  for (int step = 0; step < steps; step++) {
    uint64_t r = next_u64(&s) % 10;
    t += (r < 8 ? (double)(next_u64(&s) % 3) / 8 : (double)(next_u64(&s) % 1000) / 3000.0) / pace;
    if (next_u64(&s) % 10 < 6) { /* an arrival */
      uint64_t tok = toks[next_u64(&s) % 6];
      lim_set_advance(&ls, t);
      long fast = disp_pick(&dp, tok, t);
      for (size_t i = 0; i < n; i++)
        lim_sync(&ls.g[d[i].grp], (uint32_t)i, t);
      assert_int_equal(fast, disp_load_aware_scan(d, n, tok));
      if (fast < 0) {
        rejected++;
        continue;
      }
      assert_true(disp_admits(&dp, (size_t)fast, tok, t));
      d[fast].inflight++;
      assert_int_equal(lim_admit(&ls.g[d[fast].grp], (uint32_t)fast, tok, t), 0);
      disp_admitted(&dp, (size_t)fast);
      admitted++;
    } else { /* a completion on a random busy device, if any */
      size_t i = next_u64(&s) % n;
      for (size_t j = 0; j < n && !d[i].inflight; j++)
        i = (i + 1) % n;
      if (d[i].inflight) {
        d[i].inflight--;
        disp_completed(&dp, i);
      }
    }
  }
  assert_true(admitted > 0);
  assert_true(rejected > 0);
  disp_destroy(&dp);
  for (size_t k = 0; k < ngrp; k++)
    tu_grp_destroy(&ls.g[k]);
  free(ls.g);
  free(cap);
  free(d);
  free(mem);
}

/* Each kind alone (one group, and several groups of the kind). */
static void test_random_each_kind(void **state) {
  (void)state;
  for (size_t k = 0; k < NKINDS; k++) {
    const lim_ops *same[3] = {KINDS[k], KINDS[k], KINDS[k]};
    for (uint64_t seed = 1; seed <= 30; seed++) {
      kinds_case(seed, 1 + seed % 40, same, 1, 3000);
      kinds_case(seed, 3 + seed % 40, same, 3, 3000);
    }
  }
}

/* Large classes (hundreds of members: keyed trees three and four levels
 * deep, kinetic trees of nine and ten), each kind alone and two mixed: the
 * descents and climbs below the top levels. */
static void test_random_deep_trees(void **state) {
  (void)state;
  for (size_t k = 0; k < NKINDS; k++) {
    const lim_ops *two[2] = {KINDS[k], KINDS[(k + 1) % NKINDS]};
    kinds_case(k + 1, 700 + 50 * k, two, 1, 12000);
    kinds_case(k + 11, 2200, two, 2, 12000);
  }
}

/* Kinds mixed across groups, devices of one C in several of them. */
static void test_random_mixed_kinds(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 60; seed++) {
    const lim_ops *mix[NKINDS];
    for (size_t k = 0; k < NKINDS; k++)
      mix[k] = KINDS[(k + seed) % NKINDS];
    size_t ngrp = 2 + seed % (NKINDS - 1);
    kinds_case(seed, ngrp + seed % 50, mix, ngrp, 4000);
  }
}

/* ---- unit cases ------------------------------------------------------------------ */

/* Hand-made: two classes; ties inside a class go to the lowest index; a
 * full device is skipped; across classes the larger free fraction wins. */
static void test_choice_rule(void **state) {
  (void)state;
  uint64_t cap[] = {1000, 1000, 400, 400, 1000}, par[] = {1, 1, 1, 1, 1};
  dev d[5];
  devs_init(d, 5, cap, par);
  lix x;
  win l;
  assert_int_equal(lix_init(&x, d, 5, NULL), 0);
  assert_int_equal(win_init(&l, 10.0), 0);
  assert_int_equal(x.ncls, 2);
  assert_int_equal(lix_pick(&x, 100, 0), 0); /* all empty: lowest index */
  d[0].inflight = 1, admit(&l, &x, d, 0, 0, 100);
  expire(&l, &x, d, 1);
  assert_int_equal(lix_pick(&x, 100, 0), 1); /* 0 is busy */
  d[0].inflight = 0, lix_completed(&x, 0);
  /* used 100 of 1000 (0.9 free) beats 1 and 4 at 200 (0.8); class 400 empty */
  admit(&l, &x, d, 2, 1, 200);
  admit(&l, &x, d, 2, 4, 200);
  admit(&l, &x, d, 2, 2, 100);
  admit(&l, &x, d, 2, 3, 100);
  expire(&l, &x, d, 3);
  assert_int_equal(lix_pick(&x, 50, 0), 0);
  /* 350 tokens fit only in class 1000 */
  assert_int_equal(lix_pick(&x, 350, 0), 0);
  assert_int_equal(lix_pick(&x, 901, 0), -1);
  /* at t = 10 device 0's admission leaves the window: all of class 1000
   * but 0 at 200, so 0 (used 0) wins again; at 12 everything is empty */
  expire(&l, &x, d, 10);
  assert_int_equal(lix_pick(&x, 50, 0), 0);
  assert_int_equal(d[0].used, 0);
  expire(&l, &x, d, 12);
  assert_int_equal(lix_pick(&x, 50, 0), 0);
  assert_int_equal(d[1].used, 0);
  assert_int_equal(d[3].used, 0);
  lix_destroy(&x);
  win_destroy(&l);
}

/* Keys are 32 bits: C at the scenario bound, 2^32 - 2, and `used` up to C
 * must still order correctly below LIX_FULL. */
static void test_capacity_bound(void **state) {
  (void)state;
  const uint64_t c = 4294967294u;
  uint64_t cap[] = {c, c, c}, par[] = {2, 2, 2};
  dev d[3];
  devs_init(d, 3, cap, par);
  lix x;
  win l;
  assert_int_equal(lix_init(&x, d, 3, NULL), 0);
  assert_int_equal(win_init(&l, 10.0), 0);
  admit(&l, &x, d, 0, 0, c);                    /* device 0 full of tokens: key C */
  admit(&l, &x, d, 0, 1, c - 1);                /* device 1 one token left */
  d[2].inflight = 2, admit(&l, &x, d, 0, 2, 0); /* device 2 out of slots */
  check_roots(&x);
  assert_int_equal(lix_pick(&x, 1, 0), 1);
  assert_int_equal(lix_pick(&x, 2, 0), -1);
  assert_int_equal(lix_pick(&x, 1, 0), disp_load_aware_scan(d, 3, 1));
  d[2].inflight = 1, lix_completed(&x, 2); /* device 2 back, used 0 */
  assert_int_equal(lix_pick(&x, c, 0), 2);
  lix_destroy(&x);
  win_destroy(&l);
}

/* pick_eager compares free fractions as integers when every C is at most
 * LIX_EXACT_CAP, and as the scan's doubles otherwise: equal fractions of
 * different C tie (lowest index); at the bound, fractions 1 / (C0 C1) apart
 * are distinct doubles and the larger wins; past it, two fractions closer
 * than an ulp are equal doubles, so the scan (and the index) take the lower
 * index where exact arithmetic would not. */
static void pick_pair(uint64_t c0, uint64_t c1, uint64_t u0, uint64_t u1, long want) {
  uint64_t cap[] = {c0, c1}, par[] = {1, 1};
  dev d[2];
  devs_init(d, 2, cap, par);
  lix x;
  win l;
  assert_int_equal(lix_init(&x, d, 2, NULL), 0);
  assert_int_equal(win_init(&l, 10.0), 0);
  admit(&l, &x, d, 0, 0, u0);
  admit(&l, &x, d, 0, 1, u1);
  assert_int_equal(x.exact, c0 <= LIX_EXACT_CAP && c1 <= LIX_EXACT_CAP);
  assert_int_equal(disp_load_aware_scan(d, 2, 1), want);
  assert_int_equal(lix_pick(&x, 1, 0), want);
  lix_destroy(&x);
  win_destroy(&l);
}

static void test_fraction_compare(void **state) {
  (void)state;
  pick_pair(9, 3, 3, 1, 0);                             /* 6/9 = 2/3: a tie, the lower index */
  pick_pair(3, 9, 1, 3, 0);                             /* the same the other way round */
  pick_pair(6, 9, 2, 3, 0);                             /* 4/6 = 6/9 */
  pick_pair(7, 9, 2, 3, 0);                             /* 5/7 > 6/9 */
  pick_pair(10, 9, 1, 1, 0);                            /* 9/10 > 8/9 */
  pick_pair(LIX_EXACT_CAP - 1, LIX_EXACT_CAP, 1, 1, 1); /* 1 - 1/C: larger C wins */
  pick_pair(4294967293u, 4294967294u, 1, 1, 0);         /* equal doubles: lower index */
  pick_pair(LIX_EXACT_CAP + 1, LIX_EXACT_CAP, 1, 1, 0); /* past the bound, doubles */
}

static void test_random_one_class(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 20; seed++)
    random_case(seed, 17, 1, 1, 3000);
}

static void test_random_many_classes(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 40; seed++)
    random_case(seed, 1 + seed % 64, 4, 3, 3000);
}

/* ---- whole runs ---------------------------------------------------------------------- */

/* JSON of one run of `file` with overrides; the caller frees it. */
static char *run_json(const char *file, const char *const *sets, size_t nsets, uint64_t seed,
                      int scan) {
  scn *s = NULL;
  es_err e = {0};
  assert_int_equal(scn_load(file, sets, nsets, NULL, &s, &e), 0);
  es_result *r = es_result_new(s);
  assert_non_null(r);
  es_opts o = {.scan_dispatch = scan};
  assert_int_equal(es_run(s, seed, &o, r, &e), 0);
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

static void same_runs(const char *file, const char *const *sets, size_t nsets) {
  for (uint64_t seed = 1; seed <= 3; seed++) {
    char *fast = run_json(file, sets, nsets, seed, 0);
    char *scan = run_json(file, sets, nsets, seed, 1);
    assert_string_equal(fast, scan);
    assert_non_null(strstr(fast, "\"policy\": \"load_aware\""));
    free(fast);
    free(scan);
  }
}

static void test_runs_bursty(void **state) {
  (void)state;
  same_runs("scenarios/bursty_loadaware.json", NULL, 0);
  const char *sets[] = {"limiter.window_s=7", "workload.users=300"};
  same_runs("scenarios/bursty_loadaware.json", sets, 2);
}

/* The 1,000-device scale scenario cut to 20 simulated seconds: many
 * equal devices, so ties and class roots change constantly. */
/* Whole runs with each limiter kind. */
static void test_runs_kinds(void **state) {
  (void)state;
  const char *kinds[] = {"limiter.kind=token_bucket", "limiter.kind=gcra",
                         "limiter.kind=fixed_window", "limiter.kind=sliding_counter"};
  for (int k = 0; k < 4; k++) {
    const char *sets[] = {kinds[k], "limiter.window_s=7"};
    same_runs("scenarios/bursty_loadaware.json", sets, 2);
    const char *scale[] = {kinds[k], "duration_s=10", "limiter.window_s=5"};
    same_runs("scenarios/scale/poisson_1m_users_2000rps_1k_devices.json", scale, 3);
  }
}

static void test_runs_scale(void **state) {
  (void)state;
  const char *sets[] = {"duration_s=20", "limiter.window_s=5"};
  same_runs("scenarios/scale/poisson_1m_users_2000rps_1k_devices.json", sets, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_choice_rule),         cmocka_unit_test(test_capacity_bound),
      cmocka_unit_test(test_fraction_compare),    cmocka_unit_test(test_random_one_class),
      cmocka_unit_test(test_random_many_classes), cmocka_unit_test(test_runs_bursty),
      cmocka_unit_test(test_runs_scale),          cmocka_unit_test(test_random_each_kind),
      cmocka_unit_test(test_random_mixed_kinds),  cmocka_unit_test(test_runs_kinds),
      cmocka_unit_test(test_random_deep_trees),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
