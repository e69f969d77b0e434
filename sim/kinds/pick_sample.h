/* pick_sample.h: distinct devices drawn uniformly for one request, O(1)
 * each, by a partial Fisher-Yates shuffle of a permutation of 0..n-1 that
 * the policy owns (allocated once, at init: nothing per request).
 *
 * Draw j of a request (j = 0, 1, ... < n) swaps a uniform position of
 * perm[j..n-1] into perm[j] and returns it, so draws 0..j are distinct and
 * uniform. The permutation is not restored afterwards: a shuffle started
 * from any permutation gives the same distribution.
 */
#ifndef ES_PICK_SAMPLE_H
#define ES_PICK_SAMPLE_H

#include "rng.h"
#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdlib.h>

/* The identity permutation of n devices, or NULL if out of memory. */
static inline uint32_t *sample_perm_new(size_t n) {
  uint32_t *p = malloc((n ? n : 1) * sizeof *p);
  for (size_t i = 0; p && i < n; i++)
    p[i] = (uint32_t)i;
  return p;
}

/* Draw j (< n) of the current request. */
static inline uint32_t sample_draw(uint32_t *perm, size_t n, size_t j, gsl_rng *r) {
  size_t k = j + (size_t)rng_uniform_int(r, n - j);
  uint32_t v = perm[k];
  perm[k] = perm[j];
  perm[j] = v;
  return v;
}

#endif
