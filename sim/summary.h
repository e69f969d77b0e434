/* summary.h: statistics over independent replications.
 *
 * A sum_acc is a plain value the caller owns (no allocation). Values are
 * added one replication at a time, in replication order (Welford's update),
 * so the result is the same bit for bit however the runs were scheduled.
 *
 * Definitions (n values x_1..x_n):
 *   mean = sum x_i / n
 *   std  = sqrt(sum (x_i - mean)^2 / (n - 1))     sample std; 0 when n < 2
 *   ci95 = t_{0.975, n-1} * std / sqrt(n)          Student-t half-width;
 *          t from GSL's gsl_cdf_tdist_Pinv (n = 5: 2.776); NaN when n < 2
 *   min, max over the n values.
 * A paired comparison is the same statistics over the differences
 * d_i = b_i - a_i of runs that share seed i (common random numbers).
 */
#ifndef ES_SUMMARY_H
#define ES_SUMMARY_H

#include <stddef.h>

typedef struct sum_acc {
  size_t n;
  double mean, m2; /* running mean and sum of squared deviations */
  double min, max;
} sum_acc;

void sum_init(sum_acc *a);
void sum_add(sum_acc *a, double x);
double sum_mean(const sum_acc *a);
double sum_std(const sum_acc *a);
double sum_ci95(const sum_acc *a);

/* Two-sided 95% Student-t quantile t_{0.975, df}; NaN when df < 1. */
double sum_t975(double df);

/* 95% half-width of mean(b) - mean(a) when a and b are treated as
 * independent samples (Welch: variances not pooled, Welch-Satterthwaite
 * degrees of freedom). NaN unless both have n >= 2. */
double sum_ci95_unpaired(const sum_acc *a, const sum_acc *b);

#endif
