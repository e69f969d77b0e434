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
  /* faults.c and cloud.c: far from the ids above, so other modules' new
   * streams cannot collide with them */
  RNG_FAULTS = 0x464c0001,    /* device failure and repair times */
  RNG_OUTAGE = 0x464c0002,    /* cloud outage timeline */
  RNG_RETRY = 0x464c0003,     /* retry jitter */
  RNG_CLOUD_LAT = 0x464c0004, /* cloud latency draws */
};

/* splitmix64 finaliser: a bijective 64-bit mix (Steele et al. 2014). */
uint64_t rng_mix64(uint64_t x);

/* Seed of replication r of a run with base seed `seed` (documented mixing). */
uint64_t rng_replication_seed(uint64_t seed, uint64_t r);

/* A new MT19937 generator for `stream` under `seed`; NULL if out of memory. */
gsl_rng *rng_stream_new(uint64_t seed, enum rng_stream stream);

#endif
