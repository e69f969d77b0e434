/* estimate.c: median and order-statistic interval (see estimate.h). */
#include "estimate.h"

#include <math.h>
#include <stdlib.h>

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The largest j >= 1 with P(Bin(n, 1/2) <= j - 1) <= 0.025, 0 if none. */
static int rank_lo(int n) {
  double p = pow(0.5, n), cdf = 0.0, term = p; /* term = C(n, k) / 2^n */
  int j = 0;
  for (int k = 0; k < n; k++) {
    cdf += term;
    if (cdf > 0.025)
      break;
    j = k + 1;
    term = term * (n - k) / (k + 1);
  }
  return j;
}

void est_of(double *v, int n, estimate *e) {
  qsort(v, (size_t)n, sizeof *v, by_value);
  e->n = n;
  e->med = n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  int j = rank_lo(n);
  if (j == 0 || e->med <= 0) {
    e->lo = e->hi = e->med;
    e->rel = 1.0;
    return;
  }
  e->lo = v[j - 1];
  e->hi = v[n - j];
  e->rel = (e->hi - e->lo) / 2.0 / e->med;
}

double est_noise(unsigned long long *state) {
  unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}
