/* bench_rng.c: nanoseconds per draw, GSL's MT19937 through gsl_rng_* and
 * gsl_ran_* against Philox4x64-10 through the same GSL calls and through
 * rng.h's inline draws. Not a test; a table goes to stdout.
 *   bench_rng [draws per measurement, default 2e7] [rounds, default 5]
 * Every round runs every row once, in the table's order, so rows share the
 * machine's state; each row keeps its best round (CPU time). "request" is the
 * draws of one Poisson request with two token distributions: an exponential
 * gap and two alias-table draws. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rng.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the host may be shared */
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct bench {
  gsl_rng *mt, *ph;            /* MT19937 and Philox streams */
  gsl_ran_discrete_t *g1, *g2; /* the paper's two token distributions */
  rng_alias *t1, *t2;          /* the same as rng.h's alias tables */
  long n;
} bench;

typedef double (*row_fn)(bench *b);

/* Each row returns the sum of its draws, so nothing is optimised away. */
static double mt_uniform(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += gsl_rng_uniform(b->mt);
  return s;
}
static double ph_gsl_uniform(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += gsl_rng_uniform(b->ph);
  return s;
}
static double ph_u01(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += rng_u01(b->ph);
  return s;
}
static double mt_exponential(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += gsl_ran_exponential(b->mt, 0.5);
  return s;
}
static double ph_gsl_exponential(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += gsl_ran_exponential(b->ph, 0.5);
  return s;
}
static double ph_exponential(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += rng_exponential(b->ph, 0.5);
  return s;
}
static double ph_exponential_log1p(bench *b) { /* the alternative rng.h did not take */
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += -0.5 * log1p(-rng_u01(b->ph));
  return s;
}
static double mt_uniform_int(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += (double)gsl_rng_uniform_int(b->mt, 1000);
  return s;
}
static double ph_uniform_int(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += (double)rng_uniform_int(b->ph, 1000);
  return s;
}
static double mt_discrete(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += (double)gsl_ran_discrete(b->mt, b->g1);
  return s;
}
static double ph_discrete(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += (double)rng_alias_draw(b->ph, b->t1);
  return s;
}
static double mt_request(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += gsl_ran_exponential(b->mt, 0.5) + (double)gsl_ran_discrete(b->mt, b->g1) +
         (double)gsl_ran_discrete(b->mt, b->g2);
  return s;
}
static double ph_request(bench *b) {
  double s = 0;
  for (long i = 0; i < b->n; i++)
    s += rng_exponential(b->ph, 0.5) + (double)rng_alias_draw(b->ph, b->t1) +
         (double)rng_alias_draw(b->ph, b->t2);
  return s;
}

static const struct {
  const char *name;
  row_fn mt, gsl, in; /* MT19937 via GSL, Philox via GSL, Philox inline */
} ROWS[] = {
    {"uniform [0,1)", mt_uniform, ph_gsl_uniform, ph_u01},
    {"exponential", mt_exponential, ph_gsl_exponential, ph_exponential},
    {"exponential, log1p", NULL, NULL, ph_exponential_log1p},
    {"uniform int < 1000", mt_uniform_int, NULL, ph_uniform_int},
    {"alias table (5 values)", mt_discrete, NULL, ph_discrete},
    {"request (exp + 2 alias)", mt_request, NULL, ph_request},
};
enum { NROWS = sizeof ROWS / sizeof *ROWS };

static double timed(row_fn f, bench *b, double *best, double *sink) {
  if (!f)
    return 0;
  double t0 = now();
  *sink += f(b);
  double ns = (now() - t0) * 1e9 / (double)b->n;
  if (ns < *best)
    *best = ns;
  return ns;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? (long)atof(argv[1]) : 20000000;
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  if (n < 1 || rounds < 1) {
    fprintf(stderr, "usage: bench_rng [draws] [rounds]\n");
    return 2;
  }
  const double w1[5] = {0.35, 0.25, 0.2, 0.12, 0.08}, w2[3] = {0.5, 0.3, 0.2};
  bench b = {rng_mt19937_stream_new(1, RNG_WORKLOAD),
             rng_stream_new_rep(1, RNG_WORKLOAD, 0),
             gsl_ran_discrete_preproc(5, w1),
             gsl_ran_discrete_preproc(3, w2),
             rng_alias_new(5, w1),
             rng_alias_new(3, w2),
             n};
  if (!b.mt || !b.ph || !b.g1 || !b.g2 || !b.t1 || !b.t2)
    return 1;
  double best[NROWS][3], sink = 0;
  for (int r = 0; r < NROWS; r++)
    best[r][0] = best[r][1] = best[r][2] = INFINITY;
  for (int k = 0; k < rounds; k++)
    for (int r = 0; r < NROWS; r++) {
      timed(ROWS[r].mt, &b, &best[r][0], &sink);
      timed(ROWS[r].gsl, &b, &best[r][1], &sink);
      timed(ROWS[r].in, &b, &best[r][2], &sink);
    }
  printf("ns per draw, best of %d rounds of %ld draws (CPU time)\n", rounds, n);
  printf("%-26s %14s %14s %14s\n", "draw", "MT19937 (GSL)", "Philox (GSL)", "Philox inline");
  for (int r = 0; r < NROWS; r++) {
    printf("%-26s", ROWS[r].name);
    for (int c = 0; c < 3; c++) {
      if (isinf(best[r][c]))
        printf(" %14s", "-");
      else
        printf(" %14.2f", best[r][c]);
    }
    printf("\n");
  }
  fprintf(stderr, "(checksum %g)\n", sink);
  gsl_ran_discrete_free(b.g1);
  gsl_ran_discrete_free(b.g2);
  rng_alias_free(b.t1);
  rng_alias_free(b.t2);
  gsl_rng_free(b.mt);
  gsl_rng_free(b.ph);
  return 0;
}
