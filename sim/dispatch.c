#include "dispatch.h"

#include <stdlib.h>

#include "kinds.h"
#include "loadidx.h"
#include "rng.h"

int disp_init_with(disp *d, const disp_ops *ops, const void *cfg, const struct scn *s,
                   uint32_t attempts, dev *devs, size_t n, lim_set *lims, uint64_t seed) {
  *d = (disp){.ops = ops, .cfg = cfg, .devs = devs, .n = n, .lims = lims, .s = s};
  d->attempts = attempts ? attempts : 1;
  if (!(d->r = rng_stream_new(seed, RNG_DISPATCH)))
    return -1;
  if (ops->state_size && !(d->st = calloc(1, ops->state_size)))
    return -1;
  return ops->init ? ops->init(d) : 0;
}

int disp_init(disp *d, const disp_ops *ops, const void *cfg, dev *devs, size_t n, lim_set *lims,
              uint64_t seed) {
  return disp_init_with(d, ops, cfg, NULL, 1, devs, n, lims, seed);
}

int disp_init_run(disp *d, const scn *s, dev *devs, size_t n, lim_set *lims, uint64_t seed) {
  return disp_init_with(d, s->disp.ops, s->disp.cfg, s, (uint32_t)s->disp.attempts, devs, n, lims,
                        seed);
}

void disp_destroy(disp *d) {
  if (d->ops && d->ops->destroy && d->st)
    d->ops->destroy(d);
  free(d->st);
  gsl_rng_free(d->r); /* NULL: nothing */
  d->st = NULL;
  d->r = NULL;
}

void disp_use_scan(disp *d) {
  if (d->ops == &disp_load_aware)
    d->ops = &disp_load_aware_by_scan;
}

void disp_without_queues(disp *d) {
  if (d->ops != &disp_load_aware)
    return;
  lix_uncount(d->st);
  d->ops = &disp_load_aware_uncounted;
}
