#include "summary.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void sum_init(sum_acc *a) { *a = (sum_acc){.min = INFINITY, .max = -INFINITY}; }

void sum_add(sum_acc *a, double x) {
  a->n++;
  double d = x - a->mean;
  a->mean += d / (double)a->n;
  a->m2 += d * (x - a->mean);
  if (x < a->min)
    a->min = x;
  if (x > a->max)
    a->max = x;
}

double sum_mean(const sum_acc *a) { return a->mean; }

static double var(const sum_acc *a) {
  return a->n < 2 ? 0 : (a->m2 > 0 ? a->m2 : 0) / (double)(a->n - 1);
}

double sum_std(const sum_acc *a) { return sqrt(var(a)); }

double sum_t975(double df) { return df >= 1 ? gsl_cdf_tdist_Pinv(0.975, df) : NAN; }

double sum_ci95(const sum_acc *a) {
  if (a->n < 2)
    return NAN;
  return sum_t975((double)(a->n - 1)) * sum_std(a) / sqrt((double)a->n);
}

double sum_ci95_unpaired(const sum_acc *a, const sum_acc *b) {
  if (a->n < 2 || b->n < 2)
    return NAN;
  double va = var(a) / (double)a->n, vb = var(b) / (double)b->n, se2 = va + vb;
  if (se2 == 0)
    return 0;
  /* Welch-Satterthwaite degrees of freedom */
  double df = se2 * se2 / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
  return sum_t975(df) * sqrt(se2);
}
