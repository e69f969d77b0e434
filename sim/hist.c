#include "hist.h"

#include <math.h>
#include <string.h>

void hist_init(hist *h) {
  memset(h, 0, sizeof *h);
  h->min = INFINITY;
  h->max = -INFINITY;
}

/* Read from the IEEE-754 bits (no libm call on the per-request path): for
 * x = 1.f * 2^(E - 1023), frexp's exponent is E - 1022 and the sub-bucket
 * (m - 0.5) * 2 * HIST_SUB is the top HIST_SUB_BITS - 1 bits of f. Zero and
 * subnormals land in bucket 0, +inf in the last. */
static int bucket_of(double x) {
  if (!(x > 0))
    return 0;
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  int e = (int)(bits >> 52) - 1022; /* x = m * 2^e, m in [0.5, 1) */
  if (e <= HIST_EMIN)
    return 0;
  if (e > HIST_EMAX)
    return HIST_BUCKETS - 1;
  int sub = (int)(bits >> (52 - (HIST_SUB_BITS - 1)) & (HIST_SUB - 1));
  return (e - 1 - HIST_EMIN) * HIST_SUB + sub;
}

/* Geometric middle of bucket b. */
static double bucket_mid(int b) {
  int e = b / HIST_SUB + HIST_EMIN + 1, sub = b % HIST_SUB;
  double lo = ldexp(0.5 + (double)sub / (2 * HIST_SUB), e);
  double hi = ldexp(0.5 + (double)(sub + 1) / (2 * HIST_SUB), e);
  return sqrt(lo * hi);
}

void hist_add(hist *h, double x) {
  h->n++;
  h->sum += x;
  if (x < h->min)
    h->min = x;
  if (x > h->max)
    h->max = x;
  h->count[bucket_of(x)]++;
}

void hist_remove(hist *h, double x) {
  h->n--;
  h->sum -= x;
  h->count[bucket_of(x)]--;
}

void hist_merge(hist *dst, const hist *src) {
  dst->n += src->n;
  dst->sum += src->sum;
  if (src->min < dst->min)
    dst->min = src->min;
  if (src->max > dst->max)
    dst->max = src->max;
  for (int i = 0; i < HIST_BUCKETS; i++)
    dst->count[i] += src->count[i];
}

double hist_mean(const hist *h) { return h->n ? h->sum / (double)h->n : 0; }

double hist_quantile(const hist *h, double q) {
  if (!h->n)
    return 0;
  uint64_t rank = (uint64_t)ceil(q * (double)h->n), seen = 0;
  if (rank <= 1)
    return h->min; /* the extremes are known exactly */
  if (rank >= h->n)
    return h->max;
  for (int b = 0; b < HIST_BUCKETS; b++) {
    seen += h->count[b];
    if (seen >= rank) {
      double v = bucket_mid(b);
      return v < h->min ? h->min : v > h->max ? h->max : v;
    }
  }
  return h->max;
}
