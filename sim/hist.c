#include "hist.h"

#include <math.h>
#include <string.h>

void hist_init(hist *h) {
  memset(h, 0, sizeof *h);
  h->min = INFINITY;
  h->max = -INFINITY;
}

/* Geometric middle of bucket b. */
static double bucket_mid(int b) {
  int e = b / HIST_SUB + HIST_EMIN + 1, sub = b % HIST_SUB;
  double lo = ldexp(0.5 + (double)sub / (2 * HIST_SUB), e);
  double hi = ldexp(0.5 + (double)(sub + 1) / (2 * HIST_SUB), e);
  return sqrt(lo * hi);
}

void hist_remove(hist *h, double x) {
  h->n--;
  h->sum -= x;
  h->count[hist_bucket(x)]--;
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
