/* disp_random.c: one device uniformly at random, one attempt (the paper's).
 * With dispatch.attempts = k > 1, up to k distinct devices drawn uniformly
 * without replacement (pick_sample.h), O(k); the first that admits, else
 * the last drawn. */
#include "kinds.h"
#include "pick_sample.h"

typedef struct state {
  uint32_t *perm; /* attempts > 1: the sampling permutation */
} state;

static int init(disp *d) {
  state *st = d->st;
  if (d->attempts > 1 && !(st->perm = sample_perm_new(d->n)))
    return -1;
  return 0;
}

static void destroy(disp *d) { free(((state *)d->st)->perm); }

static long pick(disp *d, uint64_t tok, double t) {
  state *st = d->st;
  if (d->attempts == 1) /* the paper's: one draw (as before attempts existed) */
    return (long)rng_uniform_int(d->r, d->n);
  for (size_t a = 0;; a++) {
    uint32_t i = sample_draw(st->perm, d->n, a, d->r);
    if (a + 1 >= d->attempts || a + 1 >= d->n || disp_admits(d, i, tok, t))
      return (long)i;
  }
}

const disp_ops disp_random = {
    .h = {"random", "one device uniformly at random (attempts > 1: distinct draws)", NULL, 0, NULL,
          NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .state_size = sizeof(state),
};
