/* pick_tree.c: see pick_tree.h. */
#include "pick_tree.h"

#include <stdlib.h>
#include <string.h>

typedef struct ckey {
  uint64_t key;
  uint32_t dev;
} ckey;

static int cmp_ckey(const void *a, const void *b) {
  const ckey *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->dev > y->dev) - (x->dev < y->dev);
}

static inline uint64_t min2(uint64_t a, uint64_t b) { return b < a ? b : a; }

/* The smallest key among the eight children of p (a balanced tree of
 * minima: conditional moves, no branches) and, in *w, the device of the
 * leftmost child holding it (a mask of the equal children, ctz). */
static inline uint64_t group_min(const pt_class *cl, size_t p, uint32_t *w) {
  const uint64_t *c = &cl->tree[8 * p + 1];
  uint64_t m =
      min2(min2(min2(c[0], c[1]), min2(c[2], c[3])), min2(min2(c[4], c[5]), min2(c[6], c[7])));
  unsigned eq = 0;
  for (unsigned j = 0; j < 8; j++)
    eq |= (unsigned)(c[j] == m) << j;
  *w = cl->win[8 * p + 1 + (size_t)__builtin_ctz(eq)]; /* eq != 0: some child is m */
  return m;
}

static int class_build(pt_class *c, uint32_t *members, size_t m, const uint64_t *key,
                       pt_place *at) {
  for (c->leaves = 1; c->leaves < m; c->leaves *= 8)
    ;
  c->first_leaf = (c->leaves - 1) / 7;
  size_t nodes = c->first_leaf + c->leaves;
  /* 7 keys of padding put every group of eight siblings (8p+1 ..) on a line */
  size_t bytes = ((nodes + 7) * sizeof(uint64_t) + 63) / 64 * 64;
  if (!(c->mem = aligned_alloc(64, bytes)))
    return -1;
  c->tree = (uint64_t *)c->mem + 7;
  if (!(c->win = malloc(nodes * sizeof *c->win)))
    return -1;
  c->members = members;
  for (size_t l = 0; l < c->leaves; l++) {
    c->tree[c->first_leaf + l] = l < m ? key[members[l]] : PT_NONE;
    c->win[c->first_leaf + l] = l < m ? members[l] : UINT32_MAX;
    if (l < m)
      at[members[l]].leaf = (uint32_t)(c->first_leaf + l);
  }
  for (size_t p = c->first_leaf; p-- > 0;)
    c->tree[p] = group_min(c, p, &c->win[p]);
  return 0;
}

int pt_init(ptree *x, size_t n, const uint64_t *class_key, const uint64_t *key) {
  memset(x, 0, sizeof *x);
  x->n = n;
  size_t m = n ? n : 1;
  ckey *v = malloc(m * sizeof *v);
  x->mem = malloc(m * sizeof *x->mem);
  x->at = malloc(m * sizeof *x->at);
  x->cls = calloc(m, sizeof *x->cls);
  int rc = v && x->mem && x->at && x->cls ? 0 : -1;
  for (size_t i = 0; !rc && i < n; i++)
    v[i] = (ckey){class_key[i], (uint32_t)i};
  if (!rc)
    qsort(v, n, sizeof *v, cmp_ckey); /* by class, members in index order */
  for (size_t a = 0, b; !rc && a < n; a = b) {
    for (b = a; b < n && v[b].key == v[a].key; b++)
      x->mem[b] = v[b].dev, x->at[v[b].dev].cls = (uint32_t)x->ncls;
    rc = class_build(&x->cls[x->ncls++], x->mem + a, b - a, key, x->at);
  }
  free(v);
  return rc;
}

void pt_destroy(ptree *x) {
  for (size_t k = 0; x->cls && k < x->ncls; k++)
    free(x->cls[k].mem), free(x->cls[k].win);
  free(x->cls);
  free(x->at);
  free(x->mem);
  memset(x, 0, sizeof *x);
}

/* Device i's key went down to `key`: it can only win more. Each ancestor
 * it already wins takes the new key; one it now beats (a smaller key, or an
 * equal one at a lower index, since leaves are in index order) takes i;
 * the first one it does neither at stops the climb. O(1) per level. */
static void set_lower(pt_class *c, size_t p, uint32_t i, uint64_t key) {
  while (p) {
    p = (p - 1) / 8;
    if (c->win[p] != i && (key > c->tree[p] || (key == c->tree[p] && c->win[p] < i)))
      return;
    c->tree[p] = key, c->win[p] = i;
  }
}

/* Device i's key went up: only the ancestors it wins change, each
 * recomputed from its eight children until one comes out unchanged. */
static void set_higher(pt_class *c, size_t p, uint32_t i) {
  while (p) {
    p = (p - 1) / 8;
    if (c->win[p] != i)
      return; /* i did not hold p's minimum: nothing above changes */
    uint32_t w;
    uint64_t m = group_min(c, p, &w);
    if (m == c->tree[p] && w == c->win[p])
      return;
    c->tree[p] = m, c->win[p] = w;
  }
}

void pt_set(ptree *x, size_t i, uint64_t key) {
  pt_place at = x->at[i];
  pt_class *c = &x->cls[at.cls];
  uint64_t old = c->tree[at.leaf];
  c->tree[at.leaf] = key;
  if (key < old)
    set_lower(c, at.leaf, (uint32_t)i, key);
  else if (key > old)
    set_higher(c, at.leaf, (uint32_t)i);
}
