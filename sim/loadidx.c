#include "loadidx.h"

#include <stdlib.h>

/* ---- classes ---------------------------------------------------------------- */

static int same_class(const dev *a, const dev *b) {
  return a->cap_tokens == b->cap_tokens && a->max_par == b->max_par;
}

/* Device i's node: its key (used <= C < LIX_FULL, see loadidx.h) and index. */
static lix_node node_of(const dev *d, size_t i) {
  uint64_t key = d->inflight < d->max_par ? d->used : LIX_FULL;
  return key << 32 | i;
}

static lix_node min2(lix_node a, lix_node b) { return b < a ? b : a; }

/* The winner of a group of eight siblings: the smallest node, i.e. the
 * smallest key and the leftmost on ties (leaves run in device-index order,
 * and the index is the node's low half). A balanced tree of seven minima,
 * compiled to conditional moves: which child wins is data, so branches on
 * it mispredict often (callgrind: about half of refresh()'s mispredictions
 * at 10^4 devices with the branchy 4-ary version). */
static lix_node group_winner(const lix_node *g) {
  return min2(min2(min2(g[0], g[1]), min2(g[2], g[3])), min2(min2(g[4], g[5]), min2(g[6], g[7])));
}

/* Brings device i's leaf and the path above it up to date. A better node
 * climbs while it beats the node above (the rest of that subtree was no
 * better than the node); a worse one changes only the nodes it was winning,
 * each recomputed from its eight children. Either walk stops at the first
 * node that keeps its value, since its ancestors then keep theirs. */
static void refresh(lix *x, size_t i) {
  lix_node *t = x->cls[x->at[i].cls].tree;
  size_t p = x->at[i].leaf;
  lix_node me = node_of(&x->devs[i], i), old = t[p];
  if (me == old)
    return;
  t[p] = me;
  if (me < old) {
    while (p > 0 && me < t[p = (p - 1) / 8])
      t[p] = me;
  } else {
    while (p > 0 && lix_dev(t[p = (p - 1) / 8]) == i)
      t[p] = group_winner(&t[8 * p + 1]);
  }
}

/* Sort key of a device: its class, then its index. */
typedef struct rank {
  uint64_t cap, par;
  size_t i;
} rank;

static int by_class(const void *a, const void *b) {
  const rank *x = a, *y = b;
  if (x->cap != y->cap)
    return x->cap < y->cap ? -1 : 1;
  if (x->par != y->par)
    return x->par < y->par ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* Numbers the classes and gives each device its rank inside its class
 * (members sorted by index, so leaves run in index order). O(D log D). */
static int build_classes(lix *x, size_t *members) {
  rank *r = malloc((x->n ? x->n : 1) * sizeof *r);
  if (!r)
    return -1;
  for (size_t i = 0; i < x->n; i++)
    r[i] = (rank){x->devs[i].cap_tokens, x->devs[i].max_par, i};
  qsort(r, x->n, sizeof *r, by_class);
  for (size_t j = 0; j < x->n; j++) {
    if (j == 0 || !same_class(&x->devs[r[j - 1].i], &x->devs[r[j].i]))
      members[x->ncls++] = 0;
    size_t k = x->ncls - 1;
    x->at[r[j].i] = (lix_place){(uint32_t)k, (uint32_t)members[k]++}; /* leaf: rank for now */
  }
  free(r);
  return 0;
}

static int build_trees(lix *x, const size_t *members) {
  if (!(x->cls = calloc(x->ncls ? x->ncls : 1, sizeof *x->cls)))
    return -1;
  for (size_t k = 0; k < x->ncls; k++) {
    lix_class *c = &x->cls[k];
    for (c->leaves = 1; c->leaves < members[k];)
      c->leaves *= 8;
    c->first_leaf = (c->leaves - 1) / 7;
    size_t nodes = c->first_leaf + c->leaves, bytes = (nodes + 7) * sizeof *c->mem;
    if (!(c->mem = aligned_alloc(64, (bytes + 63) / 64 * 64)))
      return -1;
    c->tree = c->mem + 7;
    for (size_t p = c->first_leaf; p < nodes; p++)
      c->tree[p] = (lix_node)LIX_FULL << 32 | UINT32_MAX; /* padding */
  }
  for (size_t i = 0; i < x->n; i++) {
    lix_class *c = &x->cls[x->at[i].cls];
    c->cap = x->devs[i].cap_tokens;
    x->at[i].leaf += (uint32_t)c->first_leaf;
    c->tree[x->at[i].leaf] = node_of(&x->devs[i], i);
  }
  for (size_t k = 0; k < x->ncls; k++)
    for (size_t p = x->cls[k].first_leaf; p-- > 0;)
      x->cls[k].tree[p] = group_winner(&x->cls[k].tree[8 * p + 1]);
  return 0;
}

int lix_init(lix *x, dev *devs, size_t n) {
  *x = (lix){.devs = devs, .n = n};
  size_t *members = malloc((n ? n : 1) * sizeof *members);
  x->at = malloc((n ? n : 1) * sizeof *x->at);
  int rc = -1;
  if (members && x->at && !build_classes(x, members))
    rc = build_trees(x, members);
  free(members);
  return rc;
}

void lix_destroy(lix *x) {
  if (x->cls)
    for (size_t k = 0; k < x->ncls; k++)
      free(x->cls[k].mem);
  free(x->cls);
  free(x->at);
  *x = (lix){0};
}

/* ---- events and decisions -------------------------------------------------------- */

void lix_changed(lix *x, size_t i) { refresh(x, i); }

void lix_completed(lix *x, size_t i) {
  const dev *d = &x->devs[i];
  if (d->inflight + 1 == d->max_par) /* it was full: its key comes back */
    refresh(x, i);
}

long lix_pick(const lix *x, uint64_t tok) {
  long best = -1;
  double best_frac = -1;
  for (size_t k = 0; k < x->ncls; k++) {
    const lix_class *c = &x->cls[k];
    const lix_node root = c->tree[0];
    uint64_t used = lix_key(root);
    /* the least used of its class: if it cannot take tok, no member can;
     * the test and the fraction are dev_admits() and dev_free_frac() */
    if (used == LIX_FULL || tok > c->cap || used > c->cap - tok)
      continue;
    double f = (double)(c->cap - used) / (double)c->cap;
    if (f > best_frac || (f == best_frac && (long)lix_dev(root) < best))
      best = (long)lix_dev(root), best_frac = f;
  }
  return best;
}
