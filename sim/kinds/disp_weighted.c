/* disp_weighted.c: one device with probability proportional to its token
 * capacity C (GSL alias table, O(1) per pick), one attempt. */
#include <gsl/gsl_randist.h>
#include <stdlib.h>

#include "kinds.h"

typedef struct state {
  gsl_ran_discrete_t *by_capacity; /* P(i) proportional to C_i */
} state;

static int init(disp *d) {
  state *st = d->st;
  double *w = malloc(d->n * sizeof *w);
  if (!w)
    return -1;
  for (size_t i = 0; i < d->n; i++)
    w[i] = (double)d->devs[i].cap_tokens;
  st->by_capacity = gsl_ran_discrete_preproc(d->n, w);
  free(w);
  return st->by_capacity ? 0 : -1;
}

static void destroy(disp *d) {
  state *st = d->st;
  if (st->by_capacity)
    gsl_ran_discrete_free(st->by_capacity);
}

static long pick(disp *d, uint64_t tok, double t) {
  (void)tok, (void)t;
  return (long)gsl_ran_discrete(d->r, ((state *)d->st)->by_capacity);
}

const disp_ops disp_weighted = {
    .h = {"weighted", "one device with probability proportional to C, one attempt", NULL, 0, NULL,
          NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .state_size = sizeof(state),
};
