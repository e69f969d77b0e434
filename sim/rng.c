#include "rng.h"

uint64_t rng_mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t rng_replication_seed(uint64_t seed, uint64_t r) {
  if (r == 0)
    return seed; /* replication 0 is the plain run with this seed */
  return rng_mix64(rng_mix64(seed) ^ rng_mix64(0x5245504cULL + r));
}

gsl_rng *rng_stream_new(uint64_t seed, enum rng_stream stream) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r)
    return NULL;
  /* MT19937 in GSL takes a 32-bit seed; 0 would be replaced by GSL's default,
   * so map it away to keep distinct (seed, stream) pairs distinct. */
  uint64_t m = rng_mix64(rng_mix64(seed) + (uint64_t)stream);
  unsigned long s = (unsigned long)((m ^ (m >> 32)) & 0xffffffffUL);
  gsl_rng_set(r, s ? s : 0x2545f491UL);
  return r;
}
