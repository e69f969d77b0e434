/* ktree.h: a kinetic tournament tree over affine counts, the load_aware
 * index's structure for sliding_counter classes (loadidx.h).
 *
 * Leaf k (k < n, in device-index order) holds a device's counts in the
 * current fixed window, cur and prev, and whether it may be picked (`on`:
 * a free slot). At the group's weight s of the previous window (one double,
 * lim_prev_weight(), common to every member at a given t; s >= 0, clamped)
 * leaf k counts
 *   h_k(s) = cur_k + x_k,  x_k = fl(prev_k * s)   (IEEE double, as computed)
 *   used_k(s) = cur_k + ceil(x_k) = ceil(h_k(s))
 * which is sliding_counter's `used` before its clamp to C. Every inner node
 * holds the leaf of least h in its subtree at the tree's current s (ties to
 * the lowest leaf), compared exactly: h as (cur + floor(x), x - floor(x)),
 * an integer and an exact fraction. Since ceil is monotone, the node's leaf
 * also has the least `used` of its subtree, so the leftmost leaf of least
 * used is found by one descent (kt_leftmost).
 *
 * Kinetics. Within a window s only decreases (t only grows) and the lines
 * h_a - h_b = (cur_a - cur_b) + (prev_a - prev_b) s change only at leaf
 * updates, so a node's winner a against the other child's winner b stays
 * right until the exact difference D(s) = h_b - h_a (without rounding)
 * falls to the rounding bound E = (prev_a + prev_b) 2^-53: its certificate
 * is the s at or below which that may have happened (computed with a wide
 * margin, so it fails early, never late). Parallel lines never swap; a pair
 * whose lines are within rounding of each other at s is re-checked at the
 * next query (a zone of at most about 2^-15 / |prev_a - prev_b| of the
 * window). A node keeps the largest certificate of its subtree (`due`,
 * rounded up to a float, kept in the node), so kt_advance(s) visits
 * exactly the nodes on paths to failed certificates (lazy: any number of
 * swaps between two queries cost one recomputation per node).
 *
 * Cost, with n leaves and m updates (kt_set: an admission or a slot
 * that closes or opens) in a window:
 * - kt_set recomputes the leaf's path: O(log n) worst case. A level whose
 *   two winners have equal prev (parallel lines: 62% of the levels at
 *   10^4 devices, mostly prev 0) orders them by cur and leaf, without
 *   the exact comparison or a certificate.
 * - kt_leftmost and kt_root: one descent, O(log n) (along the root
 *   winner's path, testing a left sibling only where the path turns right);
 *   O(1).
 * - kt_rebuild (the group entered a new window: every line changes):
 *   O(n), once per window per class; O(1) per request amortized when a
 *   window holds at least n requests (10^4 devices at 2,000 requests/s and
 *   W = 60 s: 0.08 node per request).
 * - kt_advance recomputes each node whose subtree holds a failed
 *   certificate, once per query however many swaps happened since the
 *   last, plus its ancestors. A failure at a node means its winner changed
 *   (or a pair sat in the zone of a crossing, above). While no leaf below changes,
 *   a node's winner follows the lower envelope of its leaves' lines, and
 *   two lines swap at most once; with updates each leaf's line is a
 *   sequence of segments, and the lower envelope of k segments has
 *   O(k alpha(k)) pieces (Davenport-Schinzel sequences of order 3). A
 *   leaf's segments count at each of its log n ancestors, so a window has
 *   O((n + m) alpha(n + m) log n) failures, each costing at most its path,
 *   O(log n). Proven bound: O(log n) per update and query plus
 *   O(alpha log^2 n) amortized kinetic work per update (and per leaf per
 *   window), plus one path per query for each pair then inside its
 *   rounding zone (a zone lasts at most about 2^-15 of a window, so only
 *   queries packed into that instant pay it), and one per update whose walk
 *   stopped below a due left too large (charged to that update). O(log D)
 *   amortized per request is therefore not proven; it is what the
 *   measurements below show. Measured (edgesim_bench --sizes, sliding_counter, 5·10^5
 *   requests): 0.02 node recomputations by kt_advance per request at 10^4
 *   devices (0.006 at 10^3), against 15 levels walked by kt_set (1.2
 *   updates per request, classes of about 3,300 leaves); the kinetic part costs nothing in
 * practice, the O(log n) walks are the whole cost.
 *
 * Ownership: a ktree owns its arrays (kt_init / kt_destroy).
 */
#ifndef ES_KTREE_H
#define ES_KTREE_H

#include <stddef.h>
#include <stdint.h>

#define KT_NONE UINT32_MAX /* no leaf: an empty subtree */

/* A node: its subtree's winning leaf, that leaf's counts (so a
 * comparison reads the node, not the leaf) and the subtree's due. 16
 * bytes: two siblings share half a cache line, and a walk reads a
 * sibling's due from the line it reads its winner from. */
typedef struct kt_node {
  uint32_t prev; /* the winner's prev (widened to a double, exactly, to compare) */
  uint32_t cur;  /* the winner's cur (<= C < 2^32) */
  uint32_t win;  /* the winning leaf, or KT_NONE */
  float due;     /* an inner node: at least the largest certificate in its
                    subtree (rounded up, or left from before an update:
                    failing early is safe); a leaf, or none: -1 */
} kt_node;

typedef struct ktree {
  size_t n;      /* leaves in use */
  size_t leaves; /* a power of two >= n; node v's children 2v, 2v+1; leaf k is node leaves + k */
  double s;      /* the weight every winner is right at (nonincreasing between rebuilds) */
  kt_node *nd;   /* nodes 1 .. 2 leaves - 1 (64-byte aligned) */
} ktree;

/* n leaves, all off, at s = 1. 0, or -1 if out of memory (then
 * kt_destroy() is still safe). */
int kt_init(ktree *t, size_t n);
void kt_destroy(ktree *t);

/* Counts are at most 2^32 - 1 (sliding_counter's are <= C, a scenario
 * bound below 2^32). */

/* Sets leaf k without recomputing anything (a rebuild follows). */
void kt_put(ktree *t, size_t k, uint64_t cur, uint64_t prev, int on);
/* Recomputes every inner node at s (after kt_put of every changed leaf;
 * any s in [0, 1]). O(n). */
void kt_rebuild(ktree *t, double s);
/* Sets leaf k and recomputes its path at the tree's s. O(log n). */
void kt_set(ktree *t, size_t k, uint64_t cur, uint64_t prev, int on);
/* Brings every winner to s <= t->s (kt_rebuild for a larger s). */
void kt_advance(ktree *t, double s);

/* Leaf k's used at the tree's s, ceil(h_k(s)) (no clamp). */
uint64_t kt_used(const ktree *t, size_t k);
/* The least min(used, cap) of the leaves that are on (the root's), or
 * UINT64_MAX if none is. O(1). */
uint64_t kt_root(const ktree *t, uint64_t cap);
/* The leftmost leaf that is on and whose min(used, cap) is the least of
 * all leaves that are on, and that least value in *u; KT_NONE if no leaf
 * is on. O(log n). */
uint32_t kt_leftmost(const ktree *t, uint64_t cap, uint64_t *u);

#endif
