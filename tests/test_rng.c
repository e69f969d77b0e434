/* test_rng.c: Philox4x64-10 as a gsl_rng_type, its inline draws, and the
 * streams' keys. Statistical checks use fixed seeds, so they are
 * deterministic; their bounds are 5 standard errors or the 99.9% point. */
#include "testutil.h"

#include <gsl/gsl_randist.h>
#include <math.h>

#include "rng.h"

static const uint64_t MAX64 = UINT64_MAX;

/* ---- known answers -------------------------------------------------------- */

/* Random123's kat_vectors for philox4x64 10: counter, key, result. */
static void philox_known_answers(void **state) {
  (void)state;
  static const uint64_t kat[3][10] = {
      {0, 0, 0, 0, 0, 0, 0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL, 0xd7e772cee186176bULL,
       0x7e68b68aec7ba23bULL},
      {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
       0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL, 0x9cc7d7c69cd777b6ULL, 0xa09caebf594f0ba0ULL},
      {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL, 0x082efa98ec4e6c89ULL,
       0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL, 0xa528f45403e61d95ULL, 0x38c72dbd566e9788ULL,
       0xa5a1610e72fd18b5ULL, 0x57bd43b5e52b7fe6ULL},
  };
  for (int i = 0; i < 3; i++) {
    uint64_t out[4];
    rng_philox_block(kat[i], kat[i] + 4, out);
    for (int k = 0; k < 4; k++)
      assert_int_equal(out[k], kat[i][6 + k]);
  }
}

/* Word d of a stream is word d % 4 of block {d / 4, rep, 0, 0} under key
 * {seed, stream}, through GSL and inline alike. */
static void stream_is_the_documented_blocks(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new_rep(MAX64, 7, 3), *q = rng_stream_new_rep(MAX64, 7, 3);
  assert_non_null(r);
  assert_string_equal(gsl_rng_name(r), "philox4x64-10");
  assert_int_equal(gsl_rng_min(r), 0);
  assert_int_equal(gsl_rng_max(r), MAX64);
  const uint64_t key[2] = {MAX64, 7};
  for (uint64_t b = 0; b < 3 * RNG_BLOCKS + 1; b++) { /* across refills */
    uint64_t out[4], ctr[4] = {b, 3, 0, 0};
    rng_philox_block(ctr, key, out);
    for (int k = 0; k < 4; k++) {
      assert_int_equal(gsl_rng_get(r), out[k]);
      assert_int_equal(rng_next64(q), out[k]);
    }
  }
  gsl_rng_set(r, 5); /* key {5, 0}, counter 0 */
  rng_set(q, 5, 0, 0);
  for (int i = 0; i < 9; i++)
    assert_int_equal(gsl_rng_get(r), rng_next64(q));
  gsl_rng_free(r);
  gsl_rng_free(q);
}

/* The block index wraps to 0 after 2^64 blocks. */
static void block_index_wraps(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new_rep(1, 2, 0), *q = rng_stream_new_rep(1, 2, 0);
  ((rng_philox *)r->state)->ctr[0] = MAX64;
  for (int i = 0; i < 4; i++)
    (void)rng_next64(r);
  for (int i = 0; i < 8; i++)
    assert_int_equal(rng_next64(r), rng_next64(q));
  gsl_rng_free(r);
  gsl_rng_free(q);
}

/* ---- keys ------------------------------------------------------------------ */

/* Distinct (seed, stream, rep) give distinct sequences; the same give the
 * same, also through gsl_rng_clone. */
static void keys_give_distinct_sequences(void **state) {
  (void)state;
  const uint64_t seeds[] = {0, 1, 2, 16596, 89059, MAX64 - 1, MAX64};
  enum { NS = sizeof seeds / sizeof *seeds, N = NS * 4 * 2, W = 4 };
  uint64_t first[N][W];
  size_t n = 0;
  for (size_t i = 0; i < NS; i++)
    for (uint64_t k = 0; k < 4; k++)
      for (uint64_t rep = 0; rep < 2; rep++, n++) {
        gsl_rng *r = rng_stream_new_rep(seeds[i], k, rep);
        gsl_rng *c = gsl_rng_clone(r);
        for (int w = 0; w < W; w++) {
          first[n][w] = gsl_rng_get(r);
          assert_int_equal(gsl_rng_get(c), first[n][w]);
        }
        gsl_rng_free(r);
        gsl_rng_free(c);
      }
  for (size_t a = 0; a < N; a++)
    for (size_t b = a + 1; b < N; b++)
      assert_true(memcmp(first[a], first[b], sizeof first[a]) != 0);
}

/* Seed 2^64 - 1 is an ordinary seed: its streams and replications work, and
 * replication seeds depend only on (seed, r). */
static void largest_seed_works(void **state) {
  (void)state;
  uint64_t s1 = rng_replication_seed(MAX64, 1), s2 = rng_replication_seed(MAX64, 2);
  assert_int_equal(rng_replication_seed(MAX64, 0), MAX64);
  assert_true(s1 != s2 && s1 != MAX64);
  gsl_rng *a = rng_stream_new_rep(MAX64, RNG_WORKLOAD, 0), *b = rng_stream_new_rep(MAX64 - 1, 1, 0);
  double sum = 0;
  for (int i = 0; i < 1000; i++) {
    assert_true(gsl_rng_get(a) != gsl_rng_get(b));
    sum += rng_u01(a);
  }
  assert_true(sum > 400 && sum < 600);
  gsl_rng_free(a);
  gsl_rng_free(b);
}

/* The simulator's streams are Philox4x64-10 with key (seed, stream) and
 * replication word 0 (README "Random streams and seeds"). */
static void simulator_streams_are_philox(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new(1, RNG_WORKLOAD), *m = rng_stream_new_rep(1, RNG_WORKLOAD, 0);
  assert_string_equal(gsl_rng_name(r), "philox4x64-10");
  for (int i = 0; i < 10; i++)
    assert_true(gsl_rng_get(r) == gsl_rng_get(m));
  gsl_rng_free(r);
  gsl_rng_free(m);
}

/* ---- the seed mapping (rng.h, README) ----------------------------------------- */

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Printed replication seeds keep today's values (the generator switch must
 * not renumber them), and r -> S_r is injective: S_0 = S, no S_r repeats. */
static void replication_seeds_are_pinned_and_distinct(void **state) {
  (void)state;
  assert_int_equal(rng_replication_seed(1, 1), 10656555742707267947ULL);
  assert_int_equal(rng_replication_seed(1, 2), 6819843148182937379ULL);
  assert_int_equal(rng_replication_seed(MAX64, 1), 15348787353333110843ULL);
  enum { N = 100000 };
  uint64_t *s = malloc(N * sizeof *s);
  const uint64_t base[] = {0, 1, MAX64};
  for (int b = 0; b < 3; b++) {
    for (uint64_t r = 0; r < N; r++)
      s[r] = rng_replication_seed(base[b], r);
    assert_int_equal(s[0], base[b]);
    qsort(s, N, sizeof *s, cmp_u64);
    for (size_t i = 1; i < N; i++)
      assert_true(s[i] != s[i - 1]);
  }
  free(s);
}

/* Issue 12's pairs: seeds 16596 and 89059, and replications 36715 and 42657
 * of seed 1, give MT19937 the same 32-bit seed for the workload stream (so
 * equal runs when nothing else draws); their Philox keys differ. */
static void mt_collisions_are_distinct_keys(void **state) {
  (void)state;
  const uint64_t pairs[2][2] = {{16596, 89059},
                                {rng_replication_seed(1, 36715), rng_replication_seed(1, 42657)}};
  for (int p = 0; p < 2; p++) {
    gsl_rng *a = rng_mt19937_stream_new(pairs[p][0], RNG_WORKLOAD);
    gsl_rng *b = rng_mt19937_stream_new(pairs[p][1], RNG_WORKLOAD);
    gsl_rng *x = rng_stream_new_rep(pairs[p][0], RNG_WORKLOAD, 0);
    gsl_rng *y = rng_stream_new_rep(pairs[p][1], RNG_WORKLOAD, 0);
    int mt_same = 1, philox_same = 1;
    for (int i = 0; i < 1000; i++) {
      mt_same &= gsl_rng_get(a) == gsl_rng_get(b);
      philox_same &= gsl_rng_get(x) == gsl_rng_get(y);
    }
    assert_true(mt_same);
    assert_false(philox_same);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(x);
    gsl_rng_free(y);
  }
}

/* ---- GSL distributions on the wrapped generator ------------------------------ */

static void uniform_mean_variance_chi_square(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new_rep(12345, RNG_WORKLOAD, 0);
  const int n = 1000000;
  double sum = 0, sum2 = 0, bins[16] = {0};
  for (int i = 0; i < n; i++) {
    double u = gsl_rng_uniform(r);
    assert_true(u >= 0 && u < 1);
    sum += u;
    sum2 += u * u;
    bins[(int)(u * 16)]++;
  }
  double mean = sum / n, var = sum2 / n - mean * mean;
  assert_close(mean, 0.5, 5 * sqrt(1.0 / 12 / n));
  assert_close(var, 1.0 / 12, 5 * sqrt((1.0 / 80 - 1.0 / 144) / n));
  double chi2 = 0, e = n / 16.0;
  for (int k = 0; k < 16; k++)
    chi2 += (bins[k] - e) * (bins[k] - e) / e;
  assert_true(chi2 < 37.70); /* 99.9% point of chi-square(15) */
  gsl_rng_free(r);
}

static void exponential_binomial_discrete_int(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new_rep(2024, RNG_TOKENS, 0);
  const int n = 200000;
  double sum = 0;
  for (int i = 0; i < n; i++)
    sum += gsl_ran_exponential(r, 2.5);
  assert_close(sum / n, 2.5, 5 * 2.5 / sqrt(n));
  sum = 0;
  for (int i = 0; i < n; i++)
    sum += gsl_ran_binomial(r, 0.3, 1000);
  assert_close(sum / n, 300, 5 * sqrt(210.0 / n));
  /* the alias table and gsl_rng_uniform_int (range 2^64 - 1) */
  const double w[5] = {0.35, 0.25, 0.2, 0.12, 0.08};
  gsl_ran_discrete_t *g = gsl_ran_discrete_preproc(5, w);
  double cd[5] = {0}, ci[7] = {0};
  for (int i = 0; i < n; i++) {
    cd[gsl_ran_discrete(r, g)]++;
    ci[gsl_rng_uniform_int(r, 7)]++;
  }
  double chi_d = 0, chi_i = 0;
  for (int k = 0; k < 5; k++)
    chi_d += (cd[k] - n * w[k]) * (cd[k] - n * w[k]) / (n * w[k]);
  for (int k = 0; k < 7; k++)
    chi_i += (ci[k] - n / 7.0) * (ci[k] - n / 7.0) / (n / 7.0);
  assert_true(chi_d < 18.47); /* 99.9% point of chi-square(4) */
  assert_true(chi_i < 22.46); /* chi-square(6) */
  gsl_ran_discrete_free(g);
  gsl_rng_free(r);
}

/* ---- inline draws ------------------------------------------------------------- */

/* Inline draws equal GSL's on the same stream, and mixing them keeps one
 * sequence of words. */
static void inline_matches_gsl(void **state) {
  (void)state;
  gsl_rng *a = rng_stream_new_rep(99, RNG_DISPATCH, 0), *b = rng_stream_new_rep(99, 3, 0);
  const double w[3] = {1, 0, 3};
  gsl_ran_discrete_t *g = gsl_ran_discrete_preproc(3, w);
  rng_alias *t = rng_alias_new(3, w);
  assert_non_null(t);
  for (int i = 0; i < 100000; i++) {
    assert_true(rng_u01(a) == gsl_rng_uniform(b));
    assert_true(rng_u01_pos(a) == gsl_rng_uniform_pos(b));
    assert_int_equal(rng_alias_draw(a, t), gsl_ran_discrete(b, g));
    if (i % 3 == 0) /* mixed: one word each */
      assert_int_equal(rng_next64(a), gsl_rng_get(b));
    else
      assert_true(rng_u01(a) == (double)(gsl_rng_get(b) >> 11) * 0x1p-53);
  }
  rng_alias_free(t);
  gsl_ran_discrete_free(g);
  gsl_rng_free(a);
  gsl_rng_free(b);
}

/* rng_alias tables give gsl_ran_discrete's index draw for draw, on random
 * weights of 1 to 40 outcomes (some zero, some equal, some tiny). */
static void alias_matches_gsl_tables(void **state) {
  (void)state;
  gsl_rng *w = rng_stream_new_rep(5, 11, 0);
  for (int trial = 0; trial < 200; trial++) {
    size_t n = 1 + (size_t)rng_uniform_int(w, 40);
    double p[40];
    for (size_t i = 0; i < n; i++) {
      uint64_t kind = rng_uniform_int(w, 4);
      p[i] = kind == 0 ? 0 : kind == 1 ? 1 : kind == 2 ? 1e-9 * rng_u01(w) : rng_u01(w);
    }
    p[rng_uniform_int(w, n)] = 0.5; /* a positive sum */
    gsl_ran_discrete_t *g = gsl_ran_discrete_preproc(n, p);
    rng_alias *t = rng_alias_new(n, p);
    assert_non_null(g);
    assert_non_null(t);
    assert_int_equal(t->K, (int64_t)n);
    gsl_rng *a = rng_stream_new_rep(6, (uint64_t)trial, 0),
            *b = rng_stream_new_rep(6, (uint64_t)trial, 0);
    for (int i = 0; i < 5000; i++) {
      size_t x = rng_alias_draw(a, t);
      assert_int_equal(x, gsl_ran_discrete(b, g));
      assert_true(p[x] > 0);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    rng_alias_free(t);
    gsl_ran_discrete_free(g);
  }
  gsl_rng_free(w);
}

/* Every stream the simulator makes is a Philox stream, the inline draws'
 * contract (rng.h): each purpose's id, seeds at both ends of the range. */
static void every_stream_id_is_philox(void **state) {
  (void)state;
  const enum rng_stream ids[] = {RNG_WORKLOAD,  RNG_TOKENS,     RNG_DISPATCH,
                                 RNG_FAULTS,    RNG_OUTAGE,     RNG_RETRY,
                                 RNG_CLOUD_LAT, RNG_DIFFICULTY, RNG_ROUTE};
  const uint64_t seeds[] = {0, 1, MAX64};
  for (size_t k = 0; k < sizeof ids / sizeof *ids; k++)
    for (size_t j = 0; j < 3; j++) {
      gsl_rng *r = rng_stream_new(seeds[j], ids[k]);
      assert_non_null(r);
      assert_true(rng_is_philox(r));
      gsl_rng_free(r);
    }
  gsl_rng *mt = rng_mt19937_stream_new(1, RNG_WORKLOAD);
  assert_false(rng_is_philox(mt)); /* the test can tell */
  gsl_rng_free(mt);
}

/* rng_uniform_int: in range, unbiased, n = 1 draws one word, and a bound
 * where half the words are rejected still works. */
static void uniform_int_is_exact(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new_rep(7, RNG_DISPATCH, 0), *q = rng_stream_new_rep(7, 3, 0);
  assert_int_equal(rng_uniform_int(r, 1), 0);
  (void)rng_next64(q); /* n = 1 took exactly one word */
  assert_int_equal(rng_next64(r), rng_next64(q));
  const int n = 300000;
  double c[10] = {0};
  for (int i = 0; i < n; i++)
    c[rng_uniform_int(r, 10)]++;
  double chi2 = 0;
  for (int k = 0; k < 10; k++)
    chi2 += (c[k] - n / 10.0) * (c[k] - n / 10.0) / (n / 10.0);
  assert_true(chi2 < 27.88);                    /* chi-square(9) */
  const uint64_t big = (UINT64_C(1) << 63) + 1; /* 2^64 mod big = 2^63 - 1: rejects ~1/2 */
  double third[2] = {0};
  for (int i = 0; i < 20000; i++) {
    uint64_t x = rng_uniform_int(r, big);
    assert_true(x < big);
    third[x >= big / 2]++;
  }
  assert_close(third[0] / 20000, 0.5, 5 * sqrt(0.25 / 20000));
  assert_true(rng_uniform_int(r, MAX64) < MAX64);
  gsl_rng_free(r);
  gsl_rng_free(q);
}

/* The ziggurat's exponential against the distribution: a chi-square over
 * 40 equiprobable bins of Exp(mean) (edges -mean ln(1 - k/40)), and bins
 * far in the tail, beyond R = 7.697 (where the tail path draws), against
 * their exact probabilities. */
static void exponential_ziggurat_distribution(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new_rep(2026, RNG_WORKLOAD, 0);
  const int n = 2000000, K = 40;
  double c[40] = {0}, tail[3] = {0};
  const double mean = 1.5, edges[3] = {6, 7.69711747013104972, 10}; /* in units of mean */
  for (int i = 0; i < n; i++) {
    double x = rng_exponential(r, mean), p = 1 - exp(-x / mean);
    int k = (int)(p * K);
    c[k < K ? k : K - 1]++;
    for (int j = 0; j < 3; j++)
      tail[j] += x > edges[j] * mean;
  }
  double chi2 = 0;
  for (int k = 0; k < K; k++)
    chi2 += (c[k] - (double)n / K) * (c[k] - (double)n / K) / ((double)n / K);
  assert_true(chi2 < 72.05); /* chi-square(39), p = 0.001 */
  for (int j = 0; j < 3; j++) {
    double p = exp(-edges[j]), sd = sqrt(n * p * (1 - p));
    assert_close(tail[j], n * p, 5 * sd);
  }
  gsl_rng_free(r);
}

static void exponential_mean_inline(void **state) {
  (void)state;
  gsl_rng *r = rng_stream_new_rep(31, RNG_WORKLOAD, 0);
  const int n = 1000000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; i++) {
    double x = rng_exponential(r, 0.5);
    assert_true(x >= 0 && isfinite(x));
    sum += x;
    sum2 += x * x;
  }
  assert_close(sum / n, 0.5, 5 * 0.5 / sqrt(n));
  assert_close(sum2 / n, 2 * 0.25, 5 * sqrt(20 * 0.0625 / n)); /* E X^2 = 2 m^2 */
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(philox_known_answers),
      cmocka_unit_test(stream_is_the_documented_blocks),
      cmocka_unit_test(block_index_wraps),
      cmocka_unit_test(keys_give_distinct_sequences),
      cmocka_unit_test(largest_seed_works),
      cmocka_unit_test(simulator_streams_are_philox),
      cmocka_unit_test(replication_seeds_are_pinned_and_distinct),
      cmocka_unit_test(mt_collisions_are_distinct_keys),
      cmocka_unit_test(uniform_mean_variance_chi_square),
      cmocka_unit_test(exponential_binomial_discrete_int),
      cmocka_unit_test(inline_matches_gsl),
      cmocka_unit_test(alias_matches_gsl_tables),
      cmocka_unit_test(every_stream_id_is_philox),
      cmocka_unit_test(uniform_int_is_exact),
      cmocka_unit_test(exponential_mean_inline),
      cmocka_unit_test(exponential_ziggurat_distribution),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
