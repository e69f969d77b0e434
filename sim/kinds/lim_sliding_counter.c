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
 * a window without rolling (the load_aware index's kinetic tree, ktree.h).
 * A queue head is ready when the estimate falls to C - k (ready_at). */
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

/* Device c's counts rolled to window j, without changing its state. */
static void roll(const sc_dev *c, int64_t j, uint64_t *cur, uint64_t *prev) {
  *cur = c->j == j ? c->cur : 0;
  *prev = c->j == j ? c->prev : c->j == j - 1 ? c->cur : 0;
}

/* `used` at t in window j from the counts of window j. */
static uint64_t used_of(const lim_grp *g, uint64_t cap, uint64_t cur, uint64_t prev, int64_t j,
                        double t) {
  double p = (double)prev * lim_prev_weight(t, g->w, j);
  uint64_t u = cur + (p > 0 ? (uint64_t)ceil(p) : 0);
  return u < cap ? u : cap;
}

static void sync(lim_grp *g, uint32_t i, double t) {
  sc_dev *c = &((sc *)g->st)->d[i];
  int64_t j = lim_window_of(t, g->w);
  if (j != c->j) {
    c->prev = j == c->j + 1 ? c->cur : 0;
    c->cur = 0;
    c->j = j;
  }
  g->devs[i].used = used_of(g, g->devs[i].cap_tokens, c->cur, c->prev, j, t);
}

/* Device i's admission test for k tokens at t (>= its state's window), as
 * sync and the run compute it. */
static int passes(const lim_grp *g, uint32_t i, uint64_t k, double t) {
  uint64_t cap = g->devs[i].cap_tokens, cur, prev;
  int64_t j = lim_window_of(t, g->w);
  roll(&((const sc *)g->st)->d[i], j, &cur, &prev);
  return used_of(g, cap, cur, prev, j, t) + k <= cap;
}

/* The estimate is nonincreasing in t (continuous at a boundary, where
 * cur + prev * 0 becomes 0 + cur * 1), so the first passing time solves
 * cur + prev (1 - (t - b) / W) = C - k in t's window (b = b(j)) if
 * cur <= C - k, else 0 + cur (1 - (t - b') / W) = C - k in the next
 * (b' = b(j + 1)); the search settles the rounding. */
static double ready_at(const lim_grp *g, uint32_t i, uint64_t k, double t) {
  uint64_t cap = g->devs[i].cap_tokens, cur, prev;
  if (k > cap)
    return INFINITY;
  int64_t j = lim_window_of(t, g->w);
  roll(&((const sc *)g->st)->d[i], j, &cur, &prev);
  double est = t;
  if (cur + k <= cap && prev > 0)
    est = (double)j * g->w + g->w * (1 - (double)(cap - k - cur) / (double)prev);
  else if (cur + k > cap)
    est = (double)(j + 1) * g->w + g->w * (1 - (double)(cap - k) / (double)cur);
  return lim_least_pass(g, i, k, t, est, passes);
}

static int counts(const lim_grp *g, uint32_t i, int64_t j, uint64_t *cur, uint64_t *prev) {
  const sc_dev *c = &((const sc *)g->st)->d[i];
  if (c->j > j)
    return -1;
  roll(c, j, cur, prev);
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
    .ready_at = ready_at,
    .state_size = sizeof(sc),
};
