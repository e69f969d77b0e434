#include "workload.h"

#include <stdlib.h>

#include "rng.h"

int wl_init(wl *w, const scn *s, uint64_t seed) {
  *w = (wl){.ops = s->wl.ops, .cfg = s->wl.cfg, .s = s};
  if (!(w->r = rng_stream_new(seed, RNG_WORKLOAD)) || !(w->tr = rng_stream_new(seed, RNG_TOKENS)))
    return -1;
  if (w->ops->state_size && !(w->st = calloc(1, w->ops->state_size)))
    return -1;
  return w->ops->init ? w->ops->init(w) : 0;
}

void wl_destroy(wl *w) {
  if (w->ops && w->ops->destroy)
    w->ops->destroy(w); /* also after a failed init: w->st may be NULL */
  free(w->st);
  gsl_rng_free(w->r); /* NULL: nothing */
  gsl_rng_free(w->tr);
  w->st = NULL;
  w->r = w->tr = NULL;
}

void wl_tokens_free(void *cfg) {
  wl_tokens *k = cfg;
  dist_destroy(&k->prompt);
  dist_destroy(&k->tokens);
}

size_t wl_tokens_classes(const void *cfg) { return ((const wl_tokens *)cfg)->tokens.n; }
