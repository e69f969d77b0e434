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
 * minima: conditional moves, no branches). */
static inline uint64_t group_min(const uint64_t *tree, size_t p) {
  const uint64_t *c = &tree[8 * p + 1];
  return min2(min2(min2(c[0], c[1]), min2(c[2], c[3])), min2(min2(c[4], c[5]), min2(c[6], c[7])));
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
  c->members = members;
  for (size_t l = 0; l < c->leaves; l++) {
    c->tree[c->first_leaf + l] = l < m ? key[members[l]] : PT_NONE;
    if (l < m)
      at[members[l]].leaf = (uint32_t)(c->first_leaf + l);
  }
  for (size_t p = c->first_leaf; p-- > 0;)
    c->tree[p] = group_min(c->tree, p);
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
    free(x->cls[k].mem);
  free(x->cls);
  free(x->at);
  free(x->mem);
  memset(x, 0, sizeof *x);
}

void pt_set(ptree *x, size_t i, uint64_t key) {
  pt_place at = x->at[i];
  uint64_t *tree = x->cls[at.cls].tree;
  size_t p = at.leaf;
  tree[p] = key;
  while (p) {
    p = (p - 1) / 8;
    uint64_t m = group_min(tree, p);
    if (m == tree[p])
      return; /* unchanged: so are its ancestors */
    tree[p] = m;
  }
}

uint32_t pt_best_dev(const ptree *x, size_t k) {
  const pt_class *c = &x->cls[k];
  size_t p = 0;
  while (p < c->first_leaf) { /* the leftmost child holding p's key, without branches */
    const uint64_t *ch = &c->tree[8 * p + 1], v = c->tree[p];
    unsigned m = 0;
    for (unsigned j = 0; j < 8; j++)
      m |= (unsigned)(ch[j] == v) << j;
    p = 8 * p + 1 + (size_t)__builtin_ctz(m); /* m != 0: some child holds the minimum */
  }
  return c->members[p - c->first_leaf];
}
