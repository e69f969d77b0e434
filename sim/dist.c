#include "dist.h"

#include <stdlib.h>
#include <string.h>

int dist_init(dist *d, const uint64_t *values, const double *weights, size_t n) {
  memset(d, 0, sizeof *d);
  d->values = malloc(n * sizeof *d->values);
  d->weights = malloc(n * sizeof *d->weights);
  if (!d->values || !d->weights)
    goto fail;
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += weights[i];
  for (size_t i = 0; i < n; i++) {
    d->values[i] = values[i];
    d->weights[i] = weights[i] / sum;
  }
  d->n = n;
  if (n > 1 && !(d->table = rng_alias_new(n, weights)))
    goto fail;
  return 0;
fail:
  dist_destroy(d);
  return -1;
}

void dist_destroy(dist *d) {
  if (d->table)
    rng_alias_free(d->table);
  free(d->values);
  free(d->weights);
  memset(d, 0, sizeof *d);
}

double dist_mean(const dist *d) {
  double m = 0;
  for (size_t i = 0; i < d->n; i++)
    m += d->weights[i] * (double)d->values[i];
  return m;
}

uint64_t dist_max(const dist *d) {
  uint64_t m = 0;
  for (size_t i = 0; i < d->n; i++)
    if (d->weights[i] > 0 && d->values[i] > m)
      m = d->values[i];
  return m;
}
