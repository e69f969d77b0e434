/* rng_collide.c: do two runs ever see the same workload stream? Not a test
 * (it takes seconds to minutes); counts go to stdout.
 *   rng_collide [n, default 1e6] [draws, default 1000] [philox|mt|both]
 * Two sets of n runs: replications 0..n-1 of base seed 1 (seeds
 * rng_replication_seed(1, r)) and base seeds 1..n. For each run the first
 * `draws` words of its workload stream (key {seed, RNG_WORKLOAD}, or GSL's
 * MT19937 as rng_stream_new() seeds it today) are hashed to 128 bits; the
 * hashes are sorted and every equal pair is checked by drawing both streams
 * again. Runs with the same seed (replication 0 of seed 1 is seed 1) are the
 * same run by design and are not counted. Exit status 1 if the generator
 * asked for last had a collision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rng.h"

typedef struct entry {
  uint64_t h[2]; /* hash of the first draws */
  uint64_t seed;
  int set; /* 0: replications of seed 1, 1: seeds 1..n */
} entry;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static gsl_rng *stream(int mt, uint64_t seed) {
  return mt ? rng_mt19937_stream_new(seed, RNG_WORKLOAD)
            : rng_stream_new_rep(seed, RNG_WORKLOAD, 0);
}

static void hash_stream(int mt, uint64_t seed, long draws, uint64_t h[2]) {
  gsl_rng *r = stream(mt, seed);
  if (!r)
    exit(1);
  uint64_t a = 0x243f6a8885a308d3ULL, b = 0x13198a2e03707344ULL;
  for (long i = 0; i < draws; i++) {
    uint64_t w = mt ? gsl_rng_get(r) : rng_next64(r);
    a = (a ^ w) * 0xbf58476d1ce4e5b9ULL; /* two multiplicative chains; equal */
    b = (b + w) * 0x94d049bb133111ebULL; /* hashes are checked by redrawing */
  }
  h[0] = rng_mix64(a), h[1] = rng_mix64(b);
  gsl_rng_free(r);
}

static int same_stream(int mt, uint64_t s1, uint64_t s2, long draws) {
  gsl_rng *a = stream(mt, s1), *b = stream(mt, s2);
  int same = 1;
  for (long i = 0; i < draws && same; i++)
    same = gsl_rng_get(a) == gsl_rng_get(b);
  gsl_rng_free(a);
  gsl_rng_free(b);
  return same;
}

static int cmp_entry(const void *x, const void *y) {
  const entry *a = x, *b = y;
  for (int k = 0; k < 2; k++)
    if (a->h[k] != b->h[k])
      return a->h[k] < b->h[k] ? -1 : 1;
  return (a->seed > b->seed) - (a->seed < b->seed);
}

/* Returns the number of colliding pairs (true ones, verified). */
static long check(int mt, long n, long draws) {
  entry *e = malloc(2 * (size_t)n * sizeof *e);
  if (!e)
    exit(1);
  double t0 = now();
  for (long i = 0; i < n; i++) {
    e[i] = (entry){.seed = rng_replication_seed(1, (uint64_t)i), .set = 0};
    e[n + i] = (entry){.seed = (uint64_t)i + 1, .set = 1};
  }
  for (long i = 0; i < 2 * n; i++)
    hash_stream(mt, e[i].seed, draws, e[i].h);
  double t1 = now();
  qsort(e, 2 * (size_t)n, sizeof *e, cmp_entry);
  long pairs[3] = {0}, hash_only = 0; /* within replications, within seeds, across */
  for (long i = 0; i < 2 * n; i++)
    for (long j = i + 1; j < 2 * n && !memcmp(e[i].h, e[j].h, sizeof e[i].h); j++) {
      if (e[i].seed == e[j].seed)
        continue; /* the same run */
      if (!same_stream(mt, e[i].seed, e[j].seed, draws)) {
        hash_only++;
        continue;
      }
      pairs[e[i].set != e[j].set ? 2 : e[i].set]++;
      if (pairs[0] + pairs[1] + pairs[2] <= 5)
        printf("  e.g. seeds %llu and %llu\n", (unsigned long long)e[i].seed,
               (unsigned long long)e[j].seed);
    }
  double t2 = now();
  printf("%-8s colliding pairs: %ld among %ld replications of seed 1, %ld among seeds 1..%ld, "
         "%ld across the two sets (%ld hash-only); %.1f s drawing and hashing %ld x %ld words, "
         "%.1f s sorting and checking\n",
         mt ? "MT19937" : "Philox", pairs[0], n, pairs[1], n, pairs[2], hash_only, t1 - t0, 2 * n,
         draws, t2 - t1);
  free(e);
  return pairs[0] + pairs[1] + pairs[2];
}

int main(int argc, char **argv) {
  long n = argc > 1 ? (long)atof(argv[1]) : 1000000, draws = argc > 2 ? atol(argv[2]) : 1000;
  const char *which = argc > 3 ? argv[3] : "philox";
  int mt = !strcmp(which, "mt"), both = !strcmp(which, "both");
  if (n < 1 || draws < 1 || (!mt && !both && strcmp(which, "philox"))) {
    fprintf(stderr, "usage: rng_collide [n] [draws] [philox|mt|both]\n");
    return 2;
  }
  long c = 0;
  if (both)
    check(1, n, draws);
  c = check(mt, n, draws);
  return c ? 1 : 0;
}
