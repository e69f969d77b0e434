/* rng.h: independent random streams seeded from (seed, stream id).
 *
 * Every source of randomness has its own gsl_rng, so changing how one source
 * is used (say, the dispatch policy) never shifts the numbers another source
 * sees: runs that differ only in policy share arrivals and token sizes
 * (common random numbers). The caller owns the returned generator and frees
 * it with gsl_rng_free().
 */
#ifndef ES_RNG_H
#define ES_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

enum rng_stream {
  RNG_WORKLOAD = 1, /* user activity and arrival times */
  RNG_TOKENS = 2,   /* prompt and output token counts */
  RNG_DISPATCH = 3, /* random and weighted device choice */
};

/* splitmix64 finaliser: a bijective 64-bit mix (Steele et al. 2014). */
uint64_t rng_mix64(uint64_t x);

/* Seed of replication r of a run with base seed `seed` (documented mixing). */
uint64_t rng_replication_seed(uint64_t seed, uint64_t r);

/* A new MT19937 generator for `stream` under `seed`; NULL if out of memory. */
gsl_rng *rng_stream_new(uint64_t seed, enum rng_stream stream);

#endif
