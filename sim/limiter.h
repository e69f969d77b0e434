/* limiter.h: per-device rate limiters, one row of lim_ops per kind.
 *
 * The contract every kind keeps (the core semantics): after the run has
 * brought the limiter to time t (lim_advance for the device's group, then
 * lim_sync for the device when the kind is lazy), the device's `used`
 * (device.h) is such that the limiter admits a request of k output tokens
 * iff used + k <= C, and its free fraction is (C - used) / C. A kind whose
 * exact state is fractional (a token bucket's level) keeps `used` at the
 * ceiling of its exact value: with k and C integers, x + k <= C iff
 * ceil(x) + k <= C, so the admission test stays exact.
 *
 * Devices are grouped by limiter (kind and parameters: the scenario's
 * `limiter` object, or a device entry's own). A group owns the state of its
 * members, e.g. sliding_window's one log of admissions (every member has the
 * same W, so admissions leave in the order they came). The engine advances
 * every group before each dispatch decision; a group reports each device
 * whose `used` dropped through on_drop (the dispatcher's index listens).
 *
 * Each row is one file in sim/kinds/ (lim_*.c) plus one line in the
 * registry; the name, keys, state and hooks live in the row.
 */
#ifndef ES_LIMITER_H
#define ES_LIMITER_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "keys.h"

typedef struct lim_grp lim_grp;

typedef struct lim_ops {
  kind_hdr h; /* name, help, keys (besides window_s), cfg */
  /* Builds the group's state (g->st zeroed, members listed); 0, or -1 if
   * out of memory (destroy is still called). */
  int (*init)(lim_grp *g);
  void (*destroy)(lim_grp *g); /* NULL if nothing to free */
  /* Brings every member to time t (never decreasing); calls
   * g->on_drop(g->ctx, i, when) for each device i whose `used` dropped,
   * `when` (<= t) the instant it dropped (fixed_window: the boundary that
   * reset it). */
  void (*advance)(lim_grp *g, double t);
  /* Brings one member's `used` to t; NULL when advance keeps every member
   * current (then lim_sync is free). */
  void (*sync)(lim_grp *g, uint32_t i, double t);
  /* Records that device i admitted `tok` tokens at t (it passed the
   * admission test at t): updates `used`. 0, or -1 if out of memory. */
  int (*admit)(lim_grp *g, uint32_t i, uint64_t tok, double t);
  /* Lazy kinds whose members of one C can be ordered once for all t (the
   * load_aware index, loadidx.h); both NULL otherwise. key(g, i) is device
   * i's order key, which changes only when i admits; used_at(g, C, key, t)
   * is the `used` that sync would give at t to a member of capacity C with
   * that key, and must be nondecreasing in key for every fixed t and 0 for
   * every key <= t. */
  double (*key)(const lim_grp *g, uint32_t i);
  uint64_t (*used_at)(const lim_grp *g, uint64_t cap, double key, double t);
  /* Lazy kinds whose `used` in window j (lim_window_of) is
   * min(C, cur + ceil(prev * lim_prev_weight(t, W, j))) (sliding_counter;
   * the load_aware index keeps them in a kinetic tree, ktree.h); NULL
   * otherwise. Device i's counts as of window j, rolled without changing
   * its state; -1 if its state is already in a later window. */
  int (*counts)(const lim_grp *g, uint32_t i, int64_t j, uint64_t *cur, uint64_t *prev);
  /* The earliest time t' >= t at which device i passes the admission test
   * for k tokens if it admits nothing meanwhile: bringing the group to t'
   * (advance, sync) gives used + k <= C as the run computes it, and to any
   * time in [t, t') it does not (used(t) is nonincreasing without
   * admissions, for every kind). INFINITY if never (k > C). The group has
   * been advanced to t (a lazy kind reads its state as of t itself). A
   * waiting queue head (svc.h) is started by a timer at this time. NULL
   * for sliding_window, whose `used` drops only at its log's expiries,
   * which the run visits as events while a request waits (sv_next_drop);
   * the adaptive window's row (adapt.h) has one, for the current W (its
   * controller re-arms the timer when W changes). */
  double (*ready_at)(const lim_grp *g, uint32_t i, uint64_t k, double t);
  size_t state_size; /* bytes of g->st */
} lim_ops;

struct lim_grp {
  const lim_ops *ops;
  const void *cfg; /* the kind's parameters (scenario-owned) */
  double w;        /* W: window_s, seconds */
  dev *devs;       /* borrowed: every device of the run */
  uint32_t *members;
  size_t nmem;
  void *st; /* the kind's state */
  void (*on_drop)(void *ctx, uint32_t i, double t);
  void *ctx;
};

/* Brings group g to t (nothing for lazy kinds, whose advance is NULL). */
static inline void lim_advance(lim_grp *g, double t) {
  if (g->ops->advance)
    g->ops->advance(g, t);
}

/* Zeroed room for `size` bytes per device index up to the group's last
 * member, for kinds that keep numbers per device (indexed by device);
 * NULL if out of memory. The kind frees it with free(). */
void *lim_per_device(const lim_grp *g, size_t size);

/* The state of a kind that keeps one time per device (token_bucket's F,
 * gcra's TAT): rows use lim_times_init/destroy and sizeof(lim_times). */
typedef struct lim_times {
  double *t; /* per device index (members only), seconds; 0 at the start */
} lim_times;
int lim_times_init(lim_grp *g);
void lim_times_destroy(lim_grp *g);
/* Device i's time: the kind's order key (inline: sync reads it per test). */
static inline double lim_times_key(const lim_grp *g, uint32_t i) {
  return ((const lim_times *)g->st)->t[i];
}
/* The least double x >= t with pass(g, i, k, x), for a predicate that is
 * false then true over [t, +inf) (a kind's admission test as it computes
 * it, which rounding keeps monotone): searched from `est`, the exact
 * answer computed in floating point (any value; a few ulps off costs a few
 * tests), by doubling steps in ulps then bisection, so O(log(ulps off)).
 * ready_at hooks use it so that their time passes the very test the run
 * applies, whatever the rounding. INFINITY if pass(+inf) is false. */
typedef int (*lim_pass_fn)(const lim_grp *g, uint32_t i, uint64_t k, double t);
double lim_least_pass(const lim_grp *g, uint32_t i, uint64_t k, double t, double est,
                      lim_pass_fn pass);
/* The admission test of a kind with key and used_at (token_bucket, gcra),
 * computed as its sync does: used_at(C, key(i), t) + k <= C. */
int lim_keyed_passes(const lim_grp *g, uint32_t i, uint64_t k, double t);

/* Brings device i of group g to t (no-op for eager kinds). */
static inline void lim_sync(lim_grp *g, uint32_t i, double t) {
  if (g->ops->sync)
    g->ops->sync(g, i, t);
}
static inline int lim_admit(lim_grp *g, uint32_t i, uint64_t tok, double t) {
  return g->ops->admit(g, i, tok, t);
}

/* The fixed window holding t, for kinds that cut time into windows of W:
 * window j is [b(j), b(j + 1)) with b(j) = j * W rounded to a double (one
 * IEEE multiplication), so t = j * W computed the same way is the first
 * instant of window j exactly. */
static inline int64_t lim_window_of(double t, double w) {
  int64_t j = (int64_t)(t / w);
  while (j > 0 && (double)j * w > t)
    j--;
  while ((double)(j + 1) * w <= t)
    j++;
  return j;
}

/* The weight of the previous fixed window at t in window j,
 * 1 - (t - jW) / W as one IEEE expression: sliding_counter and the
 * load_aware index compute it alike (the index's order must round as the
 * row does). */
static inline double lim_prev_weight(double t, double w, int64_t j) {
  return 1.0 - (t - (double)j * w) / w;
}

/* The run's groups: every device's limiter, grouped by (kind, parameters).
 * Owns the groups and their member lists; borrows the devices (whose `grp`
 * it sets). */
typedef struct lim_set {
  lim_grp *g;
  size_t n;
  int lazy; /* some group has a sync hook */
} lim_set;

struct scn;
/* Groups the devices of scenario s (instances in order, dev[k].spec set)
 * and builds each group. 0, or -1 if out of memory (lim_set_destroy is
 * still safe). */
int lim_set_init(lim_set *ls, const struct scn *s, dev *devs, size_t n,
                 void (*on_drop)(void *ctx, uint32_t i, double t), void *ctx);
void lim_set_destroy(lim_set *ls);

static inline void lim_set_advance(lim_set *ls, double t) {
  for (size_t k = 0; k < ls->n; k++)
    lim_advance(&ls->g[k], t);
}

#endif
