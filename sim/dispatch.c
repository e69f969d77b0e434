#include "dispatch.h"

#include <stdlib.h>

#include "rng.h"

static long pick_random(disp *d, uint64_t tok) {
  (void)tok;
  return (long)gsl_rng_uniform_int(d->r, d->n);
}

static long pick_weighted(disp *d, uint64_t tok) {
  (void)tok;
  return (long)gsl_ran_discrete(d->r, d->by_capacity);
}

long disp_load_aware_scan(const dev *devs, size_t n, uint64_t tok) {
  long best = -1;
  double best_frac = -1;
  for (size_t i = 0; i < n; i++) {
    if (!dev_admits(&devs[i], tok))
      continue;
    double f = dev_free_frac(&devs[i]);
    if (f > best_frac) /* strict: ties keep the lowest index */
      best = (long)i, best_frac = f;
  }
  return best;
}

static long pick_load_aware(disp *d, uint64_t tok) { return lix_pick(&d->la, tok); }
static void la_changed(disp *d, size_t i) { lix_changed(&d->la, i); }
static void la_completed(disp *d, size_t i) { lix_completed(&d->la, i); }

static long pick_load_aware_scan(disp *d, uint64_t tok) {
  return disp_load_aware_scan(d->devs, d->n, tok);
}

static const disp_ops OPS[DISP_COUNT] = {
    [DISP_RANDOM] = {"random", pick_random, NULL, NULL, NULL},
    [DISP_WEIGHTED] = {"weighted", pick_weighted, NULL, NULL, NULL},
    [DISP_LOAD_AWARE] = {"load_aware", pick_load_aware, la_changed, la_changed, la_completed},
};
static const disp_ops LOAD_AWARE_SCAN = {"load_aware", pick_load_aware_scan, NULL, NULL, NULL};

void disp_use_scan(disp *d) {
  if (d->ops == &OPS[DISP_LOAD_AWARE])
    d->ops = &LOAD_AWARE_SCAN;
}

int disp_init(disp *d, enum disp_policy p, dev *devs, size_t n, uint64_t seed) {
  *d = (disp){.ops = &OPS[p], .devs = devs, .n = n};
  if (!(d->r = rng_stream_new(seed, RNG_DISPATCH)))
    return -1;
  if (p == DISP_WEIGHTED) {
    double *w = malloc(n * sizeof *w);
    if (!w)
      return -1;
    for (size_t i = 0; i < n; i++)
      w[i] = (double)devs[i].cap_tokens;
    d->by_capacity = gsl_ran_discrete_preproc(n, w);
    free(w);
    if (!d->by_capacity)
      return -1;
  }
  if (p == DISP_LOAD_AWARE && lix_init(&d->la, devs, n))
    return -1;
  return 0;
}

void disp_destroy(disp *d) {
  if (d->r)
    gsl_rng_free(d->r);
  if (d->by_capacity)
    gsl_ran_discrete_free(d->by_capacity);
  d->r = NULL;
  d->by_capacity = NULL;
  lix_destroy(&d->la);
}
