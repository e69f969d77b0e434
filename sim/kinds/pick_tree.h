/* pick_tree.h: per-class tournament trees for the index-based policies
 * (least_outstanding, least_latency): O(log D) per update, the best of a
 * class at its root.
 *
 * Devices are split into classes by a class key the policy chooses (equal
 * C, the same device entry). Each class keeps a 4-ary tree over its members
 * in device-index order; a leaf holds the policy's 64-bit key for its
 * device (smaller is better; PT_NONE: not a candidate), and every inner
 * node the smallest key of its children with its device, the leftmost on
 * ties, so equal keys go to the lowest index. Four sibling nodes of 16
 * bytes fill one cache line. An update stops climbing as soon as a node
 * comes out unchanged.
 *
 * The trees borrow nothing: the policy sets every key (pt_set) whenever
 * what the key encodes changes, which it learns through its dispatch hooks.
 * Memory: O(D).
 */
#ifndef ES_PICK_TREE_H
#define ES_PICK_TREE_H

#include <stddef.h>
#include <stdint.h>

#define PT_NONE UINT64_MAX /* key of a device that is not a candidate */

typedef struct pt_node {
  uint64_t key;
  uint32_t dev; /* UINT32_MAX in padding leaves (keyed PT_NONE) */
  uint32_t pad;
} pt_node;

typedef struct pt_class {
  size_t leaves;     /* a power of four >= members */
  size_t first_leaf; /* node index of the first leaf, (leaves - 1) / 3 */
  pt_node *tree;     /* root at 0, children of p at 4p+1 .. 4p+4, leaves last */
  void *mem;         /* the 64-byte aligned allocation */
  uint32_t rep;      /* a member device (the class's common parameters) */
} pt_class;

typedef struct ptree {
  pt_class *cls; /* ncls classes, in order of their class key */
  size_t ncls;
  uint32_t *cls_of;  /* per device: its class */
  uint32_t *leaf_of; /* per device: node index of its leaf */
  size_t n;
} ptree;

/* Builds the classes of n devices from their class keys, with every leaf
 * keyed key[i]. 0, or -1 if out of memory (pt_destroy is still safe). */
int pt_init(ptree *x, size_t n, const uint64_t *class_key, const uint64_t *key);
void pt_destroy(ptree *x);

/* Sets device i's key. */
void pt_set(ptree *x, size_t i, uint64_t key);

static inline uint64_t pt_key(const ptree *x, size_t i) {
  return x->cls[x->cls_of[i]].tree[x->leaf_of[i]].key;
}
/* The best member of class k: its key (PT_NONE: none) and device. */
static inline const pt_node *pt_root(const ptree *x, size_t k) { return &x->cls[k].tree[0]; }

#endif
