/* lim_sliding_counter.c: the common approximation of a sliding window by
 * two fixed windows (lim_window_of()'s boundaries b(j) = j * W). In window
 * j, with `cur` the tokens admitted since b(j) and `prev` those admitted in
 * window j - 1, the estimate at t is
 *   cur + prev * (1 - (t - b(j)) / W)
 * and k tokens are admitted iff estimate + k <= C. `used` is its ceiling,
 * computed exactly as
 *   used(t) = min(C, cur + ceil(max(0, prev * (1 - (t - b(j)) / W))))
 * in IEEE double (cur is an integer, so this is ceil(estimate) without
 * rounding cur). The kind is lazy: a device's counters roll to the current
 * window when it is synced or admits, O(1) each; `counts` gives them as of
 * a window without rolling (the load_aware index's kinetic tree, ktree.h). */
#include "kinds.h"

#include <stdlib.h>

typedef struct sc_dev {
  int64_t j;          /* window of cur */
  uint64_t cur, prev; /* tokens admitted in windows j and j - 1 */
} sc_dev;

typedef struct sc {
  sc_dev *d; /* per device index (members only) */
} sc;

static int init(lim_grp *g) {
  sc *s = g->st;
  return (s->d = lim_per_device(g, sizeof *s->d)) ? 0 : -1;
}

static void destroy(lim_grp *g) {
  sc *s = g->st;
  if (s)
    free(s->d);
}

static void sync(lim_grp *g, uint32_t i, double t) {
  sc_dev *c = &((sc *)g->st)->d[i];
  dev *d = &g->devs[i];
  int64_t j = lim_window_of(t, g->w);
  if (j != c->j) {
    c->prev = j == c->j + 1 ? c->cur : 0;
    c->cur = 0;
    c->j = j;
  }
  double p = (double)c->prev * lim_prev_weight(t, g->w, j);
  uint64_t u = c->cur + (p > 0 ? (uint64_t)ceil(p) : 0);
  d->used = u < d->cap_tokens ? u : d->cap_tokens;
}

static int counts(const lim_grp *g, uint32_t i, int64_t j, uint64_t *cur, uint64_t *prev) {
  const sc_dev *c = &((const sc *)g->st)->d[i];
  if (c->j > j)
    return -1;
  *cur = c->j == j ? c->cur : 0;
  *prev = c->j == j ? c->prev : c->j == j - 1 ? c->cur : 0;
  return 0;
}

static int admit(lim_grp *g, uint32_t i, uint64_t tok, double t) {
  sync(g, i, t);
  ((sc *)g->st)->d[i].cur += tok;
  sync(g, i, t);
  return 0;
}

const lim_ops lim_sliding_counter = {
    .h = {"sliding_counter",
          "two fixed windows, the previous weighted by its overlap with (t - W, t]: admits k iff "
          "cur + prev (1 - (t - jW) / W) + k <= C",
          NULL, 0, NULL, NULL},
    .init = init,
    .destroy = destroy,
    .sync = sync,
    .admit = admit,
    .counts = counts,
    .state_size = sizeof(sc),
};
