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

/* The smaller of two nodes, the left one on ties. */
static inline pt_node node_min(pt_node a, pt_node b) { return b.key < a.key ? b : a; }

/* Recomputes inner node p from its four children. */
static inline pt_node group_min(const pt_node *tree, size_t p) {
  const pt_node *c = &tree[4 * p + 1];
  return node_min(node_min(c[0], c[1]), node_min(c[2], c[3]));
}

static int class_build(pt_class *c, const uint32_t *members, size_t m, const uint64_t *key,
                       uint32_t *leaf_of) {
  for (c->leaves = 1; c->leaves < m; c->leaves *= 4)
    ;
  c->first_leaf = (c->leaves - 1) / 3;
  size_t nodes = c->first_leaf + c->leaves;
  /* 3 nodes of padding put every group of four siblings (4p+1 ..) on a line */
  size_t bytes = ((nodes + 3) * sizeof(pt_node) + 63) / 64 * 64;
  if (!(c->mem = aligned_alloc(64, bytes)))
    return -1;
  c->tree = (pt_node *)c->mem + 3;
  for (size_t l = 0; l < c->leaves; l++) {
    pt_node *v = &c->tree[c->first_leaf + l];
    *v = (pt_node){PT_NONE, UINT32_MAX, 0};
    if (l < m) {
      *v = (pt_node){key[members[l]], members[l], 0};
      leaf_of[members[l]] = (uint32_t)(c->first_leaf + l);
    }
  }
  for (size_t p = c->first_leaf; p-- > 0;)
    c->tree[p] = group_min(c->tree, p);
  c->rep = members[0];
  return 0;
}

int pt_init(ptree *x, size_t n, const uint64_t *class_key, const uint64_t *key) {
  memset(x, 0, sizeof *x);
  x->n = n;
  ckey *v = malloc((n ? n : 1) * sizeof *v);
  uint32_t *members = malloc((n ? n : 1) * sizeof *members);
  x->cls_of = malloc((n ? n : 1) * sizeof *x->cls_of);
  x->leaf_of = malloc((n ? n : 1) * sizeof *x->leaf_of);
  x->cls = calloc(n ? n : 1, sizeof *x->cls);
  int rc = v && members && x->cls_of && x->leaf_of && x->cls ? 0 : -1;
  for (size_t i = 0; !rc && i < n; i++)
    v[i] = (ckey){class_key[i], (uint32_t)i};
  if (!rc)
    qsort(v, n, sizeof *v, cmp_ckey); /* by class, members in index order */
  for (size_t a = 0, b; !rc && a < n; a = b) {
    for (b = a; b < n && v[b].key == v[a].key; b++)
      members[b - a] = v[b].dev, x->cls_of[v[b].dev] = (uint32_t)x->ncls;
    rc = class_build(&x->cls[x->ncls++], members, b - a, key, x->leaf_of);
  }
  free(v);
  free(members);
  return rc;
}

void pt_destroy(ptree *x) {
  for (size_t k = 0; x->cls && k < x->ncls; k++)
    free(x->cls[k].mem);
  free(x->cls);
  free(x->cls_of);
  free(x->leaf_of);
  memset(x, 0, sizeof *x);
}

void pt_set(ptree *x, size_t i, uint64_t key) {
  pt_class *c = &x->cls[x->cls_of[i]];
  pt_node *tree = c->tree;
  size_t p = x->leaf_of[i];
  tree[p].key = key;
  while (p) {
    p = (p - 1) / 4;
    pt_node m = group_min(tree, p);
    if (m.key == tree[p].key && m.dev == tree[p].dev)
      return; /* unchanged: so are its ancestors */
    tree[p] = m;
  }
}
