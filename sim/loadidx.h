/* loadidx.h: the index behind load_aware, O(K + log D) per decision.
 *
 * Devices with equal (token_capacity C, max_parallel P) form a class. Each
 * class keeps an 8-ary tournament tree over its members in device-index
 * order; a leaf's key is the device's `used` tokens when it has a free slot
 * and LIX_FULL otherwise, and every inner node holds the smallest of its
 * eight children (the leftmost on ties, so equal keys go to the lowest
 * index). A node packs key and device index into one uint64_t, key in the
 * high half, so "smaller key, then lower index" is one unsigned comparison;
 * keys fit 32 bits because used <= C <= SCN_MAX_TOKEN_CAPACITY (2^32 - 2,
 * the scenario bound) < LIX_FULL. Eight siblings of 8 bytes fill one cache
 * line, and the tree is a third as deep as a binary one: an update touches
 * about log8(members) lines (4 levels at 4,096 members, 6 with the 4-ary
 * tree of 16-byte nodes it replaced).
 * The root is then the class's best candidate: among devices of one C, the
 * least used has the largest (C - used) / C, and if it cannot fit a request
 * no member can. A decision compares the K class roots by dev_free_frac(),
 * exactly as disp_load_aware_scan() compares devices. (A root's key is its
 * device's `used`, so a decision reads the K roots and no device.)
 *
 * Expiry is not the index's business: the engine advances every limiter
 * group before each decision (sliding_window pops its log, fixed_window
 * resets at a boundary) and reports every device whose `used` dropped, so
 * the leaves of these eager kinds always hold what the scan would see.
 *
 * Lazy limiter kinds (limiter.h) change `used` between events, so their
 * devices form classes of their own, one per (C, P, limiter group):
 * - kinds with an order key (token_bucket, gcra: the time the bucket is
 *   full) keep an 8-ary tree of key minima (8-byte nodes: eight siblings
 *   fill a cache line; a leaf's device is its rank in mem_of, or lo + rank
 *   when the members are consecutive indices). Every member
 *   refills at the same C / W, so used(t) = used_at(key, t) is
 *   nondecreasing in the key at every t, and the least key holds the least
 *   `used` now. Several keys may give that `used` (full buckets, or keys
 *   within one token), so the decision descends to the leftmost leaf whose
 *   key gives it, only in classes whose root has the best free fraction
 *   of all (one descent per decision unless classes tie). Children are
 *   settled by comparing keys against a bracket around t + uW/C (found with
 *   two used_at() calls; the eight siblings of a level at once, by SSE2
 *   masks); used_at() runs only for keys inside it, so a decision
 *   is O(K + log D) with a few evaluations, and syncs no device.
 * - kinds whose `used` is affine in the window's weight s (sliding_counter:
 *   cur + ceil(prev s), limiter.h `counts`; the order changes within a
 *   window) keep a kinetic tournament tree of (cur, prev) per member
 *   (ktree.h), rebuilt when the group enters a new window (O(members) once
 *   per window), updated on each report (O(log D)), advanced lazily to the
 *   decision's s and descended to the leftmost member of least `used` (only
 *   where the root has the best fraction, as above): the scan's choice, and
 *   no device is synced. ktree.h states the cost.
 * - any other lazy kind would be scanned: every member synced and tested.
 *
 * The index borrows the device array. Whoever changes a device's `used` or
 * in-flight count after lix_init() must report it (lix_changed,
 * lix_completed); the engine does so through the dispatch hooks. Memory:
 * the trees are O(D).
 */
#ifndef ES_LOADIDX_H
#define ES_LOADIDX_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "ktree.h"
#include "limiter.h"

#define LIX_FULL UINT32_MAX /* key of a device without a free slot */
/* Largest C for which free fractions compare exactly as integers: C^2 < 2^53
 * (pick_eager in loadidx.c). */
#define LIX_EXACT_CAP 94906265u

/* lix.gate's flag of an index that is not eager (above any count of leaves) */
#define LIX_GATE_LAZY ((uint64_t)1 << 63)

/* A tree node: key (used tokens, or LIX_FULL) << 32 | device index
 * (UINT32_MAX for padding leaves, which are keyed LIX_FULL). */
typedef uint64_t lix_node;

static inline uint32_t lix_key(lix_node v) { return (uint32_t)(v >> 32); }
static inline uint32_t lix_dev(lix_node v) { return (uint32_t)v; }

enum lix_how { LIX_USED, LIX_KEYED, LIX_KIN, LIX_SCAN };

/* A LIX_KIN class's tree (mutable behind the const index of lix_pick). */
typedef struct lix_kin {
  ktree t;    /* leaf k: member mem_of[k] */
  int64_t j;  /* the window the leaves' counts are of */
  int stale;  /* a member's state went past window j: rebuild at the next pick */
  uint64_t u; /* during lix_pick: the root's least used (clamped to C) */
  int ok;     /* ... and whether it admits the request */
} lix_kin;

typedef struct lix_class {
  uint64_t cap;     /* C of the class's devices */
  enum lix_how how; /* tree keyed by used (eager kinds), by the kind's key, kinetic, or a scan */
  lim_grp *grp;     /* LIX_KEYED, LIX_SCAN: the members' limiter group */
  double *kt;       /* LIX_KEYED: 8-ary like `tree`, the least key below (+inf:
                       no free slot, or padding) */
  double *kmem;     /* its 64-byte aligned allocation */
  lix_kin *kin;     /* LIX_KIN */
  uint32_t *mem_of; /* lazy classes: the members, in index order (leaf rank -> device) */
  size_t nmem;
  int contig;        /* lazy classes: the members are lo, lo + 1, ..., lo + nmem - 1 */
  long lo;           /* lowest member index */
  size_t leaves;     /* a power of eight >= members */
  uint32_t depth;    /* LIX_USED: log8(leaves), the levels above a leaf */
  size_t first_leaf; /* node index of the first leaf, (leaves - 1) / 7 */
  lix_node *tree;    /* root at 0, children of p at 8p+1 .. 8p+8, leaves last */
  lix_node *mem;     /* the 64-byte aligned allocation; tree = mem + 7, so
                        each group of eight siblings starts a cache line */
} lix_class;

typedef struct lix_place {
  uint32_t cls;  /* class of the device */
  uint32_t leaf; /* node index of its leaf in the class tree */
} lix_place;

/* A keyed or kinetic class's root during lix_pick (loadidx.c). */
typedef struct lix_root {
  uint64_t u; /* its least used */
  int ok;     /* whether that admits the request */
  double f;   /* its free fraction, -1 unless ok */
} lix_root;

typedef struct lix {
  dev *devs; /* borrowed: n devices */
  size_t n;
  lix_class *cls; /* ncls classes */
  size_t ncls;
  lix_place *at; /* per device: where its leaf is */
  lim_set *lims; /* borrowed; NULL: every device's `used` is kept current */
  size_t *keyed; /* the LIX_KEYED and LIX_KIN classes, by lowest member index */
  size_t nkeyed;
  lix_root *root; /* nkeyed: scratch of lix_pick, by position in `keyed` */
  int eager;      /* every class keyed by `used`: lix_pick reads the roots only */
  uint64_t gate;  /* lix_pick's one test: the LIX_USED leaves whose key is not
                     LIX_FULL (devices of eager classes with a free slot), plus
                     LIX_GATE_LAZY unless `eager` (see lix_pick) */
  int exact;      /* every C <= LIX_EXACT_CAP: fractions compared as integers */
} lix;

/* Builds the index from the devices' current state (lazy groups at t = 0).
 * `lims` (may be NULL: all eager) gives each device's limiter group. 0, or
 * -1 if out of memory (then lix_destroy() is still safe). */
int lix_init(lix *x, dev *devs, size_t n, lim_set *lims);
void lix_destroy(lix *x);

/* Device i's `used` or in-flight count changed (an admission, an expiry). */
void lix_changed(lix *x, size_t i);
/* Device i finished a request (inflight already decremented). */
void lix_completed(lix *x, size_t i);
/* For runs whose devices seldom all lack a free slot (no queues: a device
 * with a queue is closed while it waits, and under overload all are): no
 * count in lix.gate, whose upkeep (three instructions each time a leaf
 * becomes or stops being LIX_FULL) would then buy nothing. From then on the
 * index must be told through the two hooks below instead of lix_changed
 * and lix_completed, and lix_pick never takes the shortcut. */
void lix_uncount(lix *x);
void lix_changed_uncounted(lix *x, size_t i);
void lix_completed_uncounted(lix *x, size_t i);
/* The load_aware choice for `tok` tokens at t (every group advanced to t),
 * or -1: the scan's choice after every device is synced to t. Syncs only
 * the members of LIX_SCAN classes. t never decreases from call to call
 * (nor below the time of a reported change). */
long lix_pick(const lix *x, uint64_t tok, double t);

#endif
