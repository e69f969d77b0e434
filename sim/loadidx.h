/* loadidx.h: the index behind load_aware, O(K + log D) per decision.
 *
 * Devices with equal (token_capacity C, max_parallel P) form a class. Each
 * class keeps a 4-ary tournament tree over its members in device-index
 * order; a leaf's key is the device's `used` tokens when it has a free slot
 * and LIX_FULL otherwise, and every inner node holds the smallest of its
 * four children (the leftmost on ties, so equal keys go to the lowest index).
 * Four siblings of 16 bytes fill one cache line, and the tree is half as
 * deep as a binary one: an update touches about log4(members) lines.
 * The root is then the class's best candidate: among devices of one C, the
 * least used has the largest (C - used) / C, and if it cannot fit a request
 * no member can. A decision compares the K class roots by dev_free_frac(),
 * exactly as disp_load_aware_scan() compares devices. (A root's key is its
 * device's `used` once expiries are applied, so a decision reads the K
 * roots and no device.)
 *
 * Expiry: every window has the same W, so admissions leave their windows in
 * the order they were admitted. One FIFO of (t + W, device), fed on each
 * admission, says which device's window changes next; before a decision at
 * t every entry due by t is applied (win_expire, then the leaf). Device
 * state is therefore exactly what the scan would see.
 *
 * The index borrows the device array. Whoever changes a device's window or
 * in-flight count after lix_init() must report it (lix_admitted,
 * lix_completed); the engine does so through the dispatch hooks. Memory:
 * the trees are O(D); the FIFO holds one entry per admission still inside
 * its window (at most sum of C), like the window logs themselves.
 */
#ifndef ES_LOADIDX_H
#define ES_LOADIDX_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"

#define LIX_FULL UINT64_MAX /* key of a device without a free slot */

typedef struct lix_node {
  uint64_t key; /* used tokens, or LIX_FULL */
  uint32_t dev; /* device index; UINT32_MAX for padding leaves */
} lix_node;

typedef struct lix_class {
  uint64_t cap;      /* C of the class's devices */
  size_t leaves;     /* a power of four >= members */
  size_t first_leaf; /* node index of the first leaf, (leaves - 1) / 3 */
  lix_node *tree;    /* root at 0, children of p at 4p+1 .. 4p+4, leaves last */
  lix_node *mem;     /* the 64-byte aligned allocation; tree = mem + 3, so
                        each group of four siblings starts a cache line */
} lix_class;

typedef struct lix_place {
  uint32_t cls;  /* class of the device */
  uint32_t leaf; /* node index of its leaf in the class tree */
} lix_place;

typedef struct lix_due {
  double t;     /* admission time + W: when the entry leaves the window */
  uint32_t dev;
} lix_due;

typedef struct lix {
  dev *devs; /* borrowed: n devices */
  size_t n;
  lix_class *cls; /* ncls classes */
  size_t ncls;
  lix_place *at;   /* per device: where its leaf is */
  lix_due *due;               /* FIFO ring, capacity `cap` (a power of two) */
  size_t head, ndue, cap;
} lix;

/* Builds the index from the devices' current state. 0, or -1 if out of
 * memory (then lix_destroy() is still safe). All devices must share W. */
int lix_init(lix *x, dev *devs, size_t n);
void lix_destroy(lix *x);

/* Device i admitted a request at t (already in its window and inflight);
 * -1 if out of memory. */
int lix_admitted(lix *x, size_t i, double t);
/* Device i finished a request (inflight already decremented). */
void lix_completed(lix *x, size_t i);
/* The load_aware choice for `tok` tokens at t, or -1 (same as the scan). */
long lix_pick(lix *x, double t, uint64_t tok);

#endif
