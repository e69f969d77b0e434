#include "loadidx.h"

#include <math.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- classes ---------------------------------------------------------------- */

/* Device i's limiter group when it is lazy (it needs a class of its own),
 * else NULL. */
static lim_grp *lazy_grp(const lix *x, size_t i) {
  if (!x->lims || !x->lims->lazy)
    return NULL;
  lim_grp *g = &x->lims->g[x->devs[i].grp];
  return g->ops->sync ? g : NULL;
}

static int same_class(const lix *x, size_t a, size_t b) {
  const dev *p = &x->devs[a], *q = &x->devs[b];
  return p->cap_tokens == q->cap_tokens && p->max_par == q->max_par &&
         lazy_grp(x, a) == lazy_grp(x, b);
}

/* Device i's key in a keyed class (+inf without a free slot). */
static double key_of(const lix *x, const lim_grp *g, size_t i) {
  const dev *d = &x->devs[i];
  return d->inflight < d->max_par ? g->ops->key(g, (uint32_t)i) : INFINITY;
}

static double dmin(double a, double b) { return b < a ? b : a; }

/* The least of eight sibling keys. */
static double kwinner(const double *g) {
  return dmin(dmin(dmin(g[0], g[1]), dmin(g[2], g[3])), dmin(dmin(g[4], g[5]), dmin(g[6], g[7])));
}

/* Brings device i's leaf in keyed class c and the path above it up to
 * date. Nodes hold keys only: a smaller key climbs while it beats the node
 * above; a larger one recomputes the nodes that held its old key (a tie
 * recomputed needlessly gives the same key). The device of a key is found
 * by the descent (keyed_leftmost). */
static __attribute__((noinline)) void krefresh(lix *x, lix_class *c, size_t i) {
  double *t = c->kt;
  size_t p = x->at[i].leaf;
  double me = key_of(x, c->grp, i), old = t[p];
  if (me == old)
    return;
  t[p] = me;
  if (me < old) {
    while (p > 0 && me < t[p = (p - 1) / 8])
      t[p] = me;
  } else {
    while (p > 0 && t[p = (p - 1) / 8] == old)
      t[p] = kwinner(&t[8 * p + 1]);
  }
}

/* Brings device i's leaf in kinetic class c up to date (its counts in the
 * tree's window; a state already past it makes the tree stale). */
static void kin_refresh(const lix *x, lix_class *c, size_t i) {
  lix_kin *k = c->kin;
  uint64_t cur, prev;
  if (k->stale)
    return;
  if (c->grp->ops->counts(c->grp, (uint32_t)i, k->j, &cur, &prev)) {
    k->stale = 1;
    return;
  }
  const dev *d = &x->devs[i];
  kt_set(&k->t, x->at[i].leaf, cur, prev, d->inflight < d->max_par);
}

/* The least node keyed LIX_FULL: a node is >= it iff its key is LIX_FULL. */
#define LIX_FULL_NODE ((lix_node)LIX_FULL << 32)

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
 * node that keeps its value, since its ancestors then keep theirs. (Inlined
 * into the hooks that call it: a call's register saves cost a sixth of
 * an update.) `count`, a constant: keep lix.gate's count (lix_uncount). */
static inline __attribute__((always_inline)) void refresh(lix *x, size_t i, int count) {
  lix_class *c = &x->cls[x->at[i].cls];
  if (__builtin_expect(c->how != LIX_USED, 0)) {
    if (c->how == LIX_KEYED)
      krefresh(x, c, i);
    else if (c->how == LIX_KIN)
      kin_refresh(x, c, i);
    return;
  }
  lix_node *t = c->tree;
  size_t p = x->at[i].leaf;
  lix_node me = node_of(&x->devs[i], i), old = t[p];
  if (me == old)
    return;
  t[p] = me;
  /* gate's count: a key leaves LIX_FULL only by decreasing (the index is the
   * same) and enters it only by increasing, so each branch has one test */
  if (me < old) {
    if (count)
      x->gate += old >= LIX_FULL_NODE;
    /* branch-free: how far it climbs is data (a branch on it mispredicts);
     * every leaf is `depth` levels down, and each ancestor is rewritten,
     * with me while the climb goes on, with its own value after */
    uint64_t go = ~(uint64_t)0;
    for (uint32_t l = c->depth; l > 0; l--) {
      p = (p - 1) / 8;
      lix_node v = t[p];
      go &= -(uint64_t)(me < v);
      t[p] = v ^ ((v ^ me) & go);
    }
  } else {
    if (count)
      x->gate -= me >= LIX_FULL_NODE;
    while (p > 0 && lix_dev(t[p = (p - 1) / 8]) == i)
      t[p] = group_winner(&t[8 * p + 1]);
  }
}

/* Sort key of a device: its class, then its index. */
typedef struct rank {
  uint64_t cap, par;
  uintptr_t grp; /* lazy group's address, 0 for eager kinds */
  size_t i;
} rank;

static int by_class(const void *a, const void *b) {
  const rank *x = a, *y = b;
  if (x->cap != y->cap)
    return x->cap < y->cap ? -1 : 1;
  if (x->par != y->par)
    return x->par < y->par ? -1 : 1;
  if (x->grp != y->grp)
    return x->grp < y->grp ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* Numbers the classes and gives each device its rank inside its class
 * (members sorted by index, so leaves run in index order). O(D log D). */
static int build_classes(lix *x, size_t *members) {
  rank *r = malloc((x->n ? x->n : 1) * sizeof *r);
  if (!r)
    return -1;
  for (size_t i = 0; i < x->n; i++)
    r[i] = (rank){x->devs[i].cap_tokens, x->devs[i].max_par, (uintptr_t)lazy_grp(x, i), i};
  qsort(r, x->n, sizeof *r, by_class);
  for (size_t j = 0; j < x->n; j++) {
    if (j == 0 || !same_class(x, r[j - 1].i, r[j].i))
      members[x->ncls++] = 0;
    size_t k = x->ncls - 1;
    x->at[r[j].i] = (lix_place){(uint32_t)k, (uint32_t)members[k]++}; /* leaf: rank for now */
  }
  free(r);
  return 0;
}

/* The 8-ary tree keyed by `used` of an eager class (loadidx.h). */
static int build_used_tree(lix_class *c, size_t members) {
  for (c->leaves = 1, c->depth = 0; c->leaves < members; c->depth++)
    c->leaves *= 8;
  c->first_leaf = (c->leaves - 1) / 7;
  size_t nodes = c->first_leaf + c->leaves, bytes = (nodes + 7) * sizeof *c->mem;
  if (!(c->mem = aligned_alloc(64, (bytes + 63) / 64 * 64)))
    return -1;
  c->tree = c->mem + 7;
  for (size_t p = c->first_leaf; p < nodes; p++)
    c->tree[p] = (lix_node)LIX_FULL << 32 | UINT32_MAX; /* padding */
  return 0;
}

/* A lazy class: an 8-ary tree of keys, or the member list of a scan. */
static int build_lazy(lix_class *c, size_t members) {
  c->nmem = 0;
  if (c->how == LIX_KIN) { /* the tree is built at the first pick (stale) */
    if (!(c->kin = calloc(1, sizeof *c->kin)) || kt_init(&c->kin->t, members))
      return -1;
    c->kin->stale = 1;
  }
  if (!(c->mem_of = malloc((members ? members : 1) * sizeof *c->mem_of)))
    return -1;
  if (c->how == LIX_SCAN || c->how == LIX_KIN)
    return 0;
  for (c->leaves = 1; c->leaves < members;)
    c->leaves *= 8;
  c->first_leaf = (c->leaves - 1) / 7;
  size_t nodes = c->first_leaf + c->leaves, bytes = (nodes + 7) * sizeof *c->kmem;
  if (!(c->kmem = aligned_alloc(64, (bytes + 63) / 64 * 64)))
    return -1;
  c->kt = c->kmem + 7; /* each group of eight siblings, 8p+1.., starts a line */
  for (size_t p = 0; p < nodes; p++)
    c->kt[p] = INFINITY; /* padding */
  return 0;
}

static void place(lix *x, size_t i) {
  lix_class *c = &x->cls[x->at[i].cls];
  x->at[i].leaf += (uint32_t)c->first_leaf;
  if (c->lo < 0)
    c->lo = (long)i; /* devices come in index order */
  if (c->how == LIX_USED) {
    c->tree[x->at[i].leaf] = node_of(&x->devs[i], i);
    x->gate += lix_key(c->tree[x->at[i].leaf]) != LIX_FULL;
  } else if (c->how == LIX_KEYED)
    c->kt[x->at[i].leaf] = key_of(x, c->grp, i);
  if (c->how != LIX_USED)
    c->mem_of[c->nmem++] = (uint32_t)i; /* devices come in index order */
}

static void build_inner(lix_class *c) {
  if (c->how == LIX_USED)
    for (size_t p = c->first_leaf; p-- > 0;)
      c->tree[p] = group_winner(&c->tree[8 * p + 1]);
  else if (c->how == LIX_KEYED)
    for (size_t p = c->first_leaf; p-- > 0;)
      c->kt[p] = kwinner(&c->kt[8 * p + 1]);
}

/* The keyed and kinetic classes, by their lowest member (lix_pick()). */
typedef struct by_lo {
  long lo;
  size_t k;
} by_lo;

static int lo_order(const void *a, const void *b) {
  const by_lo *x = a, *y = b;
  return (x->lo > y->lo) - (x->lo < y->lo);
}

static int keyed_order(lix *x) {
  by_lo *o = malloc((x->ncls ? x->ncls : 1) * sizeof *o);
  if (!o || !(x->keyed = malloc((x->ncls ? x->ncls : 1) * sizeof *x->keyed)) ||
      !(x->root = malloc((x->ncls ? x->ncls : 1) * sizeof *x->root))) {
    free(o);
    return -1;
  }
  for (size_t k = 0; k < x->ncls; k++)
    if (x->cls[k].how == LIX_KEYED || x->cls[k].how == LIX_KIN)
      o[x->nkeyed++] = (by_lo){x->cls[k].lo, k};
  qsort(o, x->nkeyed, sizeof *o, lo_order);
  for (size_t j = 0; j < x->nkeyed; j++)
    x->keyed[j] = o[j].k;
  free(o);
  return 0;
}

static int build_trees(lix *x, const size_t *members) {
  if (!(x->cls = calloc(x->ncls ? x->ncls : 1, sizeof *x->cls)))
    return -1;
  for (size_t i = 0; i < x->n; i++) { /* each class's C and kind from a member */
    lix_class *c = &x->cls[x->at[i].cls];
    c->cap = x->devs[i].cap_tokens;
    c->grp = lazy_grp(x, i);
    c->how = !c->grp               ? LIX_USED
             : c->grp->ops->key    ? LIX_KEYED
             : c->grp->ops->counts ? LIX_KIN
                                   : LIX_SCAN;
    c->lo = -1;
  }
  for (size_t k = 0; k < x->ncls; k++) {
    lix_class *c = &x->cls[k];
    if (c->how == LIX_USED ? build_used_tree(c, members[k]) : build_lazy(c, members[k]))
      return -1;
  }
  x->eager = x->exact = 1;
  for (size_t k = 0; k < x->ncls; k++)
    x->eager &= x->cls[k].how == LIX_USED, x->exact &= x->cls[k].cap <= LIX_EXACT_CAP;
  x->gate = x->eager ? 0 : LIX_GATE_LAZY; /* place() counts the open leaves */
  for (size_t i = 0; i < x->n; i++)
    place(x, i);
  for (size_t k = 0; k < x->ncls; k++) {
    lix_class *c = &x->cls[k];
    build_inner(c);
    c->contig = c->how != LIX_USED && c->nmem > 0 &&
                c->mem_of[c->nmem - 1] - c->mem_of[0] == c->nmem - 1; /* increasing */
  }
  return keyed_order(x);
}

int lix_init(lix *x, dev *devs, size_t n, lim_set *lims) {
  *x = (lix){.devs = devs, .n = n, .lims = lims};
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
    for (size_t k = 0; k < x->ncls; k++) {
      free(x->cls[k].mem);
      free(x->cls[k].kmem);
      free(x->cls[k].mem_of);
      if (x->cls[k].kin)
        kt_destroy(&x->cls[k].kin->t);
      free(x->cls[k].kin);
    }
  free(x->cls);
  free(x->at);
  free(x->keyed);
  free(x->root);
  *x = (lix){0};
}

/* ---- events and decisions -------------------------------------------------------- */

void lix_changed(lix *x, size_t i) { refresh(x, i, 1); }

void lix_completed(lix *x, size_t i) {
  const dev *d = &x->devs[i];
  if (d->inflight + 1 == d->max_par) /* it was full: its key comes back */
    refresh(x, i, 1);
}

void lix_uncount(lix *x) {
  if (x->eager)
    x->gate = 1; /* positive for good: every pick is pick_eager's */
}

void lix_changed_uncounted(lix *x, size_t i) { refresh(x, i, 0); }

void lix_completed_uncounted(lix *x, size_t i) {
  const dev *d = &x->devs[i];
  if (d->inflight + 1 == d->max_par)
    refresh(x, i, 0);
}

/* The best of candidates so far: larger free fraction, then lower index. */
typedef struct best {
  long i;
  double frac;
} best;

static void offer(best *b, uint64_t cap, uint64_t used, long i) {
  double f = (double)(cap - used) / (double)cap; /* dev_free_frac() */
  if (f > b->frac || (f == b->frac && i < b->i))
    b->i = i, b->frac = f;
}

/* An eager class: its root is the least used (loadidx.h). */
static void pick_used(const lix_class *c, uint64_t tok, best *b) {
  const lix_node root = c->tree[0];
  uint64_t used = lix_key(root);
  /* the least used of its class: if it cannot take tok, no member can;
   * the test and the fraction are dev_admits() and dev_free_frac() */
  if (used == LIX_FULL || tok > c->cap || used > c->cap - tok)
    return;
  offer(b, c->cap, used, (long)lix_dev(root));
}

/* Bit m (m < 8) set iff sibling m's key is <= x (sib_le), < x (sib_lt);
 * ch is a group of eight siblings (64-byte aligned, see build_lazy). Two
 * compares and a movemask per pair with SSE2: a descent level in a dozen
 * instructions instead of a loop of eight (keys are never NaN). */
#if defined(__SSE2__)
#define SIB_MASK(cmp)                                                                              \
  __m128d v = _mm_set1_pd(x);                                                                      \
  return (unsigned)(_mm_movemask_pd(cmp(_mm_load_pd(ch), v)) |                                     \
                    _mm_movemask_pd(cmp(_mm_load_pd(ch + 2), v)) << 2 |                            \
                    _mm_movemask_pd(cmp(_mm_load_pd(ch + 4), v)) << 4 |                            \
                    _mm_movemask_pd(cmp(_mm_load_pd(ch + 6), v)) << 6)
static unsigned sib_le(const double *ch, double x) { SIB_MASK(_mm_cmple_pd); }
static unsigned sib_lt(const double *ch, double x) { SIB_MASK(_mm_cmplt_pd); }
#else
static unsigned sib_le(const double *ch, double x) {
  unsigned b = 0;
  for (unsigned m = 0; m < 8; m++)
    b |= (unsigned)(ch[m] <= x) << m;
  return b;
}
static unsigned sib_lt(const double *ch, double x) {
  unsigned b = 0;
  for (unsigned m = 0; m < 8; m++)
    b |= (unsigned)(ch[m] < x) << m;
  return b;
}
#endif

/* Narrows [good, bad) around the largest key giving at most u at t: the
 * keyed kinds refill at C / W, so that key is t + u W / C up to rounding;
 * two evaluations a relative 2^-40 either side of it settle nearly every
 * key of the descent by comparison alone. */
static void narrow(const lim_grp *g, uint64_t cap, uint64_t u, double t, double *good,
                   double *bad) {
  double e = t + (double)u * g->w / (double)cap, lo = e - e * 0x1p-40, hi = e + e * 0x1p-40;
  if (lo > *good && g->ops->used_at(g, cap, lo, t) <= u)
    *good = lo;
  if (hi < *bad && g->ops->used_at(g, cap, hi, t) > u)
    *bad = hi;
}

/* The device of leaf rank r of a lazy class: lo + r when its members are
 * consecutive indices (a device entry's count, the usual case: no read of
 * mem_of, cold at 10^4 devices), else mem_of[r]. */
static long member(const lix_class *c, size_t r) {
  return c->contig ? c->lo + (long)r : (long)c->mem_of[r];
}

/* A keyed class's root: the least key has the least `used` at t, stored in
 * *u; 1 if that admits tok. */
static int keyed_root(const lix_class *c, uint64_t tok, double t, uint64_t *u) {
  const lim_grp *g = c->grp;
  double key = c->kt[0];
  if (key == INFINITY || tok > c->cap)
    return 0;
  *u = key <= t ? 0 : g->ops->used_at(g, c->cap, key, t);
  return *u <= c->cap - tok;
}

/* The member of keyed class c to offer: the leftmost leaf whose key gives
 * the root's `used` u (used_at is nondecreasing in the key, so a subtree
 * holds one iff its minimum does). Keys <= good give at most u, keys >= bad
 * more (and used_at is 0 for keys <= t), so most children are settled by a
 * comparison. The subtree entered always holds a leaf giving u: if none of
 * the first seven children does, the eighth does. */
static long keyed_leftmost(const lix_class *c, uint64_t u, double t) {
  const lim_grp *g = c->grp;
  const double *kt = c->kt;
  double good = u == 0 && t > kt[0] ? t : kt[0], bad = INFINITY;
  int narrowed = 0;
  size_t p = 0;
  while (p < c->first_leaf) {
    const double *ch = &kt[8 * p + 1];
    /* m: the first child <= good (the eighth if none of the first seven
     * is); open: the children before it (> good) that are < bad */
    unsigned m = (unsigned)__builtin_ctz(sib_le(ch, good) | 1u << 7);
    unsigned open = sib_lt(ch, bad) & ((1u << m) - 1);
    if (open) { /* a child before it needs used_at */
      if (!narrowed++)
        narrow(g, c->cap, u, t, &good, &bad);
      for (m = 0; m < 7; m++) {
        double k = ch[m];
        if (k <= good)
          break;
        if (k < bad) {
          if (g->ops->used_at(g, c->cap, k, t) <= u) {
            good = k;
            break;
          }
          bad = k;
        }
      }
    }
    p = 8 * p + 1 + m;
  }
  return member(c, p - c->first_leaf);
}

/* A class without an order key: sync and test every member. */
static void pick_scan(const lix *x, const lix_class *c, uint64_t tok, double t, best *b) {
  for (size_t k = 0; k < c->nmem; k++) {
    uint32_t i = c->mem_of[k];
    lim_sync(c->grp, i, t);
    if (dev_admits(&x->devs[i], tok))
      offer(b, c->cap, x->devs[i].used, (long)i);
  }
}

/* The window and weight of t for a group, computed once per decision for
 * all the classes of the group. */
typedef struct wcache {
  const lim_grp *g;
  int64_t j;
  double s;
} wcache;

/* A kinetic class's tree brought to t's window weight s (rebuilt from
 * every member's counts when the group entered a new window); its root's
 * least `used` (what sync would give) in k->u, k->ok iff it admits tok. */
static void kin_root(const lix *x, const lix_class *c, uint64_t tok, double t, wcache *wc) {
  const lim_grp *g = c->grp;
  lix_kin *k = c->kin;
  if (wc->g != g) {
    wc->g = g, wc->j = lim_window_of(t, g->w);
    wc->s = lim_prev_weight(t, g->w, wc->j);
    wc->s = wc->s > 0 ? wc->s : 0; /* prev * s <= 0 counts 0, as prev * 0 does */
  }
  if (k->stale || wc->j != k->j) {
    for (size_t r = 0; r < c->nmem; r++) {
      const dev *d = &x->devs[c->mem_of[r]];
      uint64_t cur = 0, prev = 0;
      g->ops->counts(g, c->mem_of[r], wc->j, &cur, &prev); /* never later than t's window */
      kt_put(&k->t, r, cur, prev, d->inflight < d->max_par);
    }
    kt_rebuild(&k->t, wc->s);
    k->j = wc->j, k->stale = 0;
  } else
    kt_advance(&k->t, wc->s);
  k->u = kt_root(&k->t, c->cap);
  k->ok = k->u != UINT64_MAX && tok <= c->cap && k->u <= c->cap - tok;
}

/* Every class keyed by `used` (every limiter eager, the paper's case):
 * the K roots alone, as before lazy kinds existed. The free fractions
 * (C - u) / C are compared as integers, (C_a - u_a) C_b against
 * (C_b - u_b) C_a, when every C is at most LIX_EXACT_CAP: two different
 * fractions of denominators q, s then differ by at least 1 / (q s) > 2^-53,
 * more than an ulp of either, so their doubles (dev_free_frac) compare the
 * same way and equal fractions have equal doubles: the same choice as the
 * scan, without a division per class. */
static long pick_eager(const lix *x, uint64_t tok) {
  if (__builtin_expect(x->exact, 1)) {
    /* Branch-free: which class wins is data, and a branch on it mispredicts.
     * The best so far starts at free 0 of cap 1 and index 2^32: any class
     * that admits beats it (a larger fraction, or a tie and a lower index). */
    uint64_t bfree = 0, bcap = 1, bi = (uint64_t)1 << 32;
    for (size_t k = 0; k < x->ncls; k++) {
      const lix_class *c = &x->cls[k];
      const lix_node root = c->tree[0];
      uint64_t used = lix_key(root), cap = c->cap, i = lix_dev(root), free = cap - used;
      uint64_t a = free * bcap, b = bfree * cap; /* used <= cap when it admits */
      uint64_t win = (uint64_t)((used != LIX_FULL) & (tok <= cap) & (used <= cap - tok) &
                                ((a > b) | ((a == b) & (i < bi))));
      uint64_t m = -win;
      bfree ^= (bfree ^ free) & m;
      bcap ^= (bcap ^ cap) & m;
      bi ^= (bi ^ i) & m;
    }
    return bi >> 32 ? -1 : (long)bi;
  }
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

/* The root of keyed or kinetic class c (x->keyed[j]) at t: its least used
 * in r->u, whether that admits tok, and its free fraction (dev_free_frac()). */
static void lazy_root(const lix_class *c, uint64_t tok, double t, lix_root *r) {
  if (c->how == LIX_KIN)
    r->u = c->kin->u, r->ok = c->kin->ok;
  else
    r->ok = keyed_root(c, tok, t, &r->u);
  r->f = r->ok ? (double)(c->cap - r->u) / (double)c->cap : -1;
}

/* Runs with a lazy class (noinline: its registers and stack would cost the
 * eager path's every decision). Eager and scanned classes give their
 * candidate at once; a keyed or kinetic class's candidate needs a descent
 * of its tree, so its root is read first and the descent done only where
 * that root has the best fraction of all, in order of the classes' lowest
 * member (a tie on the fraction is then usually settled by that alone): in
 * the common case one descent per decision. A class whose root has a
 * smaller fraction cannot win, since each member's fraction is at most its
 * root's. */
static __attribute__((noinline)) long pick_lazy(const lix *x, uint64_t tok, double t) {
  best b = {-1, -1};
  wcache wc = {0};
  for (size_t k = 0; k < x->ncls; k++) {
    const lix_class *c = &x->cls[k];
    if (c->how == LIX_USED)
      pick_used(c, tok, &b);
    else if (c->how == LIX_KIN)
      kin_root(x, c, tok, t, &wc);
    else if (c->how == LIX_SCAN)
      pick_scan(x, c, tok, t, &b);
  }
  double top = b.frac;
  for (size_t j = 0; j < x->nkeyed; j++) {
    lazy_root(&x->cls[x->keyed[j]], tok, t, &x->root[j]);
    top = x->root[j].f > top ? x->root[j].f : top;
  }
  for (size_t j = 0; j < x->nkeyed; j++) {
    const lix_class *c = &x->cls[x->keyed[j]];
    const lix_root *r = &x->root[j];
    if (!r->ok || r->f != top || (r->f == b.frac && c->lo > b.i))
      continue;
    if (c->how == LIX_KIN) {
      uint64_t u;
      offer(&b, c->cap, r->u, member(c, kt_leftmost(&c->kin->t, c->cap, &u)));
    } else
      offer(&b, c->cap, r->u, keyed_leftmost(c, r->u, t));
  }
  return b.i;
}

/* One load and one test on the eager path (lix.gate): positive, an eager
 * index with a device that has a free slot; 0, an eager index without one,
 * whose every root is then LIX_FULL, so pick_eager would return -1 (with
 * queues, the common case under overload: every device keeps a queue and
 * is closed, and each arrival joins one); LIX_GATE_LAZY set, a lazy index. */
long lix_pick(const lix *x, uint64_t tok, double t) {
  int64_t g = (int64_t)x->gate;
  if (__builtin_expect(g > 0, 1))
    return pick_eager(x, tok);
  if (g == 0)
    return -1;
  return pick_lazy(x, tok, t);
}
