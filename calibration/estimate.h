/* estimate.h: the median of repeated ratios and its distribution-free 95%
 * confidence interval (order statistics of the binomial(n, 1/2) sign test:
 * [x_(j), x_(n+1-j)] with the largest j such that P(Bin(n, 1/2) < j) <= 2.5%;
 * coverage >= 95%, needs n >= 6). The median and this interval make no
 * assumption about the noise, which on a shared host is skewed: other work
 * only ever slows a run down. */
#ifndef ES_ESTIMATE_H
#define ES_ESTIMATE_H

typedef struct {
  int n;
  double med, lo, hi; /* median and its 95% interval; lo = hi = med when n < 6 */
  double rel;         /* (hi - lo) / 2 / med: relative half-width; 1 when n < 6 */
} estimate;

/* v[0..n) is sorted in place. */
void est_of(double *v, int n, estimate *e);

/* Deterministic noise in [-1, 1] for the fake noisy probe (tests): the
 * splitmix64 sequence from *state. */
double est_noise(unsigned long long *state);

#endif
