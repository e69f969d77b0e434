/* disp_random.c: one device uniformly at random, one attempt (the paper's). */
#include "kinds.h"

static long pick(disp *d, uint64_t tok, double t) {
  (void)tok, (void)t;
  return (long)gsl_rng_uniform_int(d->r, d->n);
}

const disp_ops disp_random = {
    .h = {"random", "one device uniformly at random, one attempt", NULL, 0, NULL, NULL},
    .pick = pick,
};
