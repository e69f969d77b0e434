/* hist.h: streaming log-bucketed histogram for latency percentiles.
 *
 * Fixed memory (HIST_BUCKETS counters) whatever the number of samples.
 * Positive values are bucketed by binary exponent and the top
 * HIST_SUB_BITS bits of the mantissa: a bucket spans a relative width of at
 * most 2^-(HIST_SUB_BITS-1) = 1.56%, and a percentile is reported as the
 * bucket's midpoint clamped to [min, max], within 0.79% of the exact
 * nearest-rank sample. Values outside [2^HIST_EMIN, 2^HIST_EMAX) are clamped
 * to the end buckets (their exact min/max are still kept).
 */
#ifndef ES_HIST_H
#define ES_HIST_H

#include <stdint.h>
#include <string.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1 << (HIST_SUB_BITS - 1)) /* sub-buckets per power of two */
#define HIST_EMIN (-30)                     /* about 1 ns */
#define HIST_EMAX 31                        /* about 68 years */
#define HIST_BUCKETS ((HIST_EMAX - HIST_EMIN) * HIST_SUB)

typedef struct hist {
  uint64_t n;
  double sum, min, max;
  uint64_t count[HIST_BUCKETS];
} hist;

void hist_init(hist *h);

/* The bucket of x, read from its IEEE-754 bits (no libm call: several are
 * added per request). For x = 1.f * 2^(E - 1023) > 0, frexp's exponent is
 * e = E - 1022 and the sub-bucket (m - 0.5) * 2 * HIST_SUB is the top
 * HIST_SUB_BITS - 1 bits of f, so bits >> (52 - (HIST_SUB_BITS - 1)) is
 * E * HIST_SUB + sub, and the bucket (e - 1 - HIST_EMIN) * HIST_SUB + sub
 * is that less (1023 + HIST_EMIN) * HIST_SUB: negative exactly when
 * e <= HIST_EMIN (bucket 0) and at least HIST_BUCKETS exactly when
 * e > HIST_EMAX (the last), so one clamp replaces both tests. Zero,
 * negatives, NaN and subnormals land in bucket 0, +inf in the last. */
static inline int hist_bucket(double x) {
  if (!(x > 0))
    return 0;
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  int64_t b = (int64_t)(bits >> (52 - (HIST_SUB_BITS - 1))) - (1023 + HIST_EMIN) * HIST_SUB;
  b = b < 0 ? 0 : b;
  return (int)(b < HIST_BUCKETS - 1 ? b : HIST_BUCKETS - 1);
}

/* Adds sample x (inline: the queue runs add four per request). */
static inline void hist_add(hist *h, double x) {
  h->n++;
  h->sum += x;
  if (x < h->min)
    h->min = x;
  if (x > h->max)
    h->max = x;
  h->count[hist_bucket(x)]++;
}
/* Removes a sample x added before (faults.c: a request cut by a device
 * failure); min and max keep it. */
void hist_remove(hist *h, double x);
/* Adds every sample of `src` into `dst`. */
void hist_merge(hist *dst, const hist *src);
double hist_mean(const hist *h); /* 0 when empty */
/* Nearest-rank q-quantile, q in (0, 1]; 0 when empty. */
double hist_quantile(const hist *h, double q);

#endif
