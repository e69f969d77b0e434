/* dist.h: token-count distributions: a constant or a weighted discrete set.
 *
 * A dist owns its value array and its alias table (GSL's, rng_alias) (O(1) draws). A
 * constant draws no random number at all.
 */
#ifndef ES_DIST_H
#define ES_DIST_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

typedef struct dist {
  size_t n;         /* number of values; 1 for a constant */
  uint64_t *values; /* n values, each >= 1 */
  double *weights;  /* n weights (normalised to sum 1), kept for reports */
  rng_alias *table; /* alias table; NULL for a constant */
} dist;

/* Builds from n values and non-negative weights with a positive sum;
 * 0 on success, -1 if out of memory. */
int dist_init(dist *d, const uint64_t *values, const double *weights, size_t n);
void dist_destroy(dist *d);
double dist_mean(const dist *d);
uint64_t dist_max(const dist *d);

/* A draw as an index into values[] (0 for a constant, which draws nothing). */
static inline size_t dist_draw_index(const dist *d, gsl_rng *r) {
  return d->table ? rng_alias_draw(r, d->table) : 0;
}
static inline uint64_t dist_draw(const dist *d, gsl_rng *r) {
  return d->values[dist_draw_index(d, r)];
}

#endif
