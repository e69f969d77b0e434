/* pick_tree.h: per-class tournament trees for the index-based policies
 * (least_outstanding, least_latency): O(log D) per update, the best key of
 * a class at its root.
 *
 * Devices are split into classes by a class key the policy chooses (equal
 * C, the same device entry). Each class keeps an 8-ary tree over its
 * members in device-index order; a leaf holds the policy's 64-bit key for
 * its device (smaller is better; PT_NONE: not a candidate) and every inner
 * node the smallest key of its children. Eight sibling keys of 8 bytes fill
 * one cache line. Beside each node's key, `win` holds the device behind it:
 * the leftmost child holding the minimum, so among equal keys the lowest
 * index wins, and the root names the class's best device in O(1). An
 * update stops climbing as soon as a node's key and device come out
 * unchanged.
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

typedef struct pt_class {
  size_t leaves;     /* a power of eight >= members */
  size_t first_leaf; /* node index of the first leaf, (leaves - 1) / 7 */
  uint64_t *tree;    /* root at 0, children of p at 8p+1 .. 8p+8, leaves last */
  uint32_t *win;     /* per node: the device holding its key (UINT32_MAX: padding) */
  void *mem;         /* the 64-byte aligned allocation of tree */
  uint32_t *members; /* leaf l holds device members[l] */
} pt_class;

typedef struct pt_place {
  uint32_t cls;  /* class of the device */
  uint32_t leaf; /* node index of its leaf in the class tree */
} pt_place;

typedef struct ptree {
  pt_class *cls; /* ncls classes, in order of their class key */
  size_t ncls;
  pt_place *at;  /* per device: where its leaf is (one load per update) */
  uint32_t *mem; /* every class's members, by class */
  size_t n;
} ptree;

/* Builds the classes of n devices from their class keys, with every leaf
 * keyed key[i]. 0, or -1 if out of memory (pt_destroy is still safe). */
int pt_init(ptree *x, size_t n, const uint64_t *class_key, const uint64_t *key);
void pt_destroy(ptree *x);

/* Sets device i's key. */
void pt_set(ptree *x, size_t i, uint64_t key);

/* The smallest key of class k (PT_NONE: no candidate). */
static inline uint64_t pt_root(const ptree *x, size_t k) { return x->cls[k].tree[0]; }
/* The lowest-index device of class k holding its root key (not PT_NONE). */
static inline uint32_t pt_best_dev(const ptree *x, size_t k) { return x->cls[k].win[0]; }

#endif
