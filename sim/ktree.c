#include "ktree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A node's winner as compared: prev widened to a double once (exact). */
typedef struct line {
  double prev;
  uint32_t cur, win;
} line;

static line line_of(const kt_node *a) { return (line){(double)a->prev, a->cur, a->win}; }

/* h of a winner at s exactly: an integer part and a fraction in [0, 1).
 * prev < 2^32 and s in [0, 1], so 0 <= x < 2^32, the truncation is
 * floor(x) and x - floor(x) is exact. */
typedef struct hval {
  uint64_t i;
  double f;
} hval;

static hval h_at(const line *a, double s) {
  double x = a->prev * s;
  uint64_t fl = (uint64_t)x;
  return (hval){a->cur + fl, x - (double)fl};
}

/* a beats b at s: less h, or equal h and a lower leaf. h_a < h_b iff
 * x_a - x_b < cur_b - cur_a; the rounded difference decides unless it
 * equals the (exact) integer, since rounding is monotone; then h is
 * compared exactly. */
static int beats(const line *a, const line *b, double s) {
  double d = a->prev * s - b->prev * s, dc = (double)((int64_t)b->cur - (int64_t)a->cur);
  if (d != dc)
    return d < dc;
  if (a->prev == b->prev) /* equal x, so d = 0 = dc: equal cur, equal h (idle leaves) */
    return a->win < b->win;
  hval x = h_at(a, s), y = h_at(b, s);
  if (x.i != y.i)
    return x.i < y.i;
  if (x.f != y.f)
    return x.f < y.f;
  return a->win < b->win;
}

/* The certificate of winner a over b at s (a beats b at s): an s_f < s
 * such that a beats b for every s' in (s_f, s] (-1: the rest of the
 * window), or s itself when that cannot be told (re-check at the next
 * query). With D(s) = (cur_b - cur_a) + (prev_b - prev_a) s exactly, the
 * computed h differ from the exact lines by at most E = (prev_a + prev_b)
 * 2^-53 (two roundings of x, s <= 1), so D > E means a beats b; the margin
 * m >= 8E also covers the rounding of D and of the crossing below. */
static double cert(const line *a, const line *b, double s) {
  double pa = a->prev, pb = b->prev, dp = pb - pa;
  double dc = (double)((int64_t)b->cur - (int64_t)a->cur); /* exact */
  if (dp == 0)
    return -1; /* equal x: h_b - h_a = dc for every s, the order never changes */
  double m = (pa + pb + fabs(dc) + fabs(dp)) * 0x1p-50;
  if (dp < 0) /* D grows as s falls: safe for good once D(s) clears the margin */
    return dc + dp * s > 2 * m ? -1 : s;
  if (dc > 2 * m) /* D(s') >= D(0) = dc for s' >= 0: b never catches up (no division) */
    return -1;
  double sig = (m - dc) / dp; /* D(s') > m for every s' > sig */
  if (sig > 2)
    return s;
  double f = sig + 0x1p-44; /* |error of sig| < 2^-48 when |sig| <= 2 */
  return f < s ? f : s;
}

/* d rounded up to a float or a little more (a certificate may fail early,
 * never late): nearest rounding of d (1 + 2^-23) (of d (1 - 2^-23) when d
 * < 0) is at least d. */
static float up(double d) { return (float)(d + fabs(d) * 0x1p-23); }

static float max3(float a, float b, float c) {
  float m = a > b ? a : b;
  return m > c ? m : c;
}

static kt_node node_of(const line *a, float due) {
  return (kt_node){(uint32_t)a->prev, a->cur, a->win, due};
}

/* Node v from its children at s: the better winner, its certificate over
 * the other, and the largest certificate below (a leaf's due is -1). */
static void pull(ktree *t, size_t v, double s) {
  line a = line_of(&t->nd[2 * v]), b = line_of(&t->nd[2 * v + 1]);
  double f = -1;
  if (a.win == KT_NONE)
    a = b;
  else if (b.win != KT_NONE) {
    if (!beats(&a, &b, s)) {
      line c = a;
      a = b, b = c;
    }
    f = cert(&a, &b, s);
  }
  t->nd[v] = node_of(&a, max3(up(f), t->nd[2 * v].due, t->nd[2 * v + 1].due));
}

int kt_init(ktree *t, size_t n) {
  *t = (ktree){.n = n, .s = 1};
  for (t->leaves = 1; t->leaves < n;)
    t->leaves *= 2;
  size_t bytes = 2 * t->leaves * sizeof *t->nd;
  t->nd = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!t->nd)
    return -1;
  for (size_t v = 0; v < 2 * t->leaves; v++)
    t->nd[v] = (kt_node){0, 0, KT_NONE, -1};
  return 0;
}

void kt_destroy(ktree *t) {
  free(t->nd);
  *t = (ktree){0};
}

void kt_put(ktree *t, size_t k, uint64_t cur, uint64_t prev, int on) {
  t->nd[t->leaves + k] = (kt_node){(uint32_t)prev, (uint32_t)cur, on ? (uint32_t)k : KT_NONE, -1};
}

void kt_rebuild(ktree *t, double s) {
  t->s = s;
  for (size_t v = t->leaves; v-- > 1;)
    pull(t, v, s);
}

/* Node v's due became d: its ancestors' must be at least d (a due left
 * larger than its subtree needs only fails early). Stops at the first
 * that already is, since its own ancestors then are. */
static void raise_due(ktree *t, size_t v, float d) {
  for (; v > 1 && t->nd[v / 2].due < d; v /= 2)
    t->nd[v / 2].due = d;
}

/* A changed leaf's ancestors, each recomputed at the tree's s; the walk
 * carries the winner from below as a node (prev widened to a double only
 * where two lines are not parallel) and stops at the first node whose winner stays: its ancestors
 * read nothing else but its due, which only raises theirs where it grew (raise_due); a due that
 * stays too large (a certificate that fails early) is recomputed by kt_advance. */
void kt_set(ktree *t, size_t k, uint64_t cur, uint64_t prev, int on) {
  kt_put(t, k, cur, prev, on);
  size_t c = t->leaves + k;
  kt_node me = t->nd[c];
  const double s = t->s; /* (a local: the node stores below could alias t->s) */
  float dm = -1;         /* the largest certificate under `me`'s side */
  for (; c > 1; c /= 2) {
    const kt_node *o = &t->nd[c ^ 1];
    kt_node *p = &t->nd[c / 2];
    float d = max3(dm, o->due, -1);
    if (o->win != KT_NONE) {
      if (me.win == KT_NONE)
        me = *o;
      else if (o->prev == me.prev) {
        /* parallel lines (often both prev 0, at many devices): beats() by
         * cur, then leaf, for the whole window; no certificate (cert() -1) */
        if (o->cur < me.cur || (o->cur == me.cur && o->win < me.win))
          me = *o;
      } else {
        line a = line_of(&me), b = line_of(o);
        if (!beats(&a, &b, s)) {
          d = max3(d, up(cert(&b, &a, s)), -1);
          me = *o;
        } else
          d = max3(d, up(cert(&a, &b, s)), -1);
      }
    }
    dm = d;
    if (p->win == me.win && p->cur == me.cur && p->prev == me.prev) {
      /* the nodes above read this one's winner, unchanged */
      p->due = d;
      raise_due(t, c / 2, d);
      break;
    }
    me.due = d;
    *p = me;
  }
}

/* Recomputes the nodes whose subtree holds a certificate failed at s. */
static void advance(ktree *t, size_t v, double s) {
  if (v >= t->leaves || t->nd[v].due < s)
    return;
  advance(t, 2 * v, s);
  advance(t, 2 * v + 1, s);
  pull(t, v, s);
}

void kt_advance(ktree *t, double s) {
  if (s > t->s) {
    kt_rebuild(t, s);
    return;
  }
  t->s = s;
  advance(t, 1, s);
}

static uint64_t used_of(const kt_node *a, double s) {
  line l = line_of(a);
  hval h = h_at(&l, s);
  return h.i + (h.f > 0);
}

uint64_t kt_used(const ktree *t, size_t k) { return used_of(&t->nd[t->leaves + k], t->s); }

static uint64_t clamped(const kt_node *a, double s, uint64_t cap) {
  uint64_t u = used_of(a, s);
  return u < cap ? u : cap;
}

uint64_t kt_root(const ktree *t, uint64_t cap) {
  return t->nd[1].win == KT_NONE ? UINT64_MAX : clamped(&t->nd[1], t->s, cap);
}

/* Whether node l's winner reaches the least value `best` (below).
 * Below C, ceil(cur + fl(prev s)) <= best iff cur <= best and
 * fl(prev s) <= best - cur (an integer); at C (all), every open leaf. */
static int reaches(const kt_node *l, uint64_t best, int all, double s) {
  /* bitwise, not short-circuit: every operand is cheap and defined, and
   * branches on them mispredict (best and cur are below 2^32, so best - cur
   * is exact as a signed integer; negative only where the cur test fails) */
  return (l->win != KT_NONE) &
         (all | ((l->cur <= best) & ((double)l->prev * s <= (double)((int64_t)best - l->cur))));
}

/* A subtree's least clamped used is its winner's (ceil and the clamp are
 * monotone in h), so the descent takes the left child whenever its winner
 * reaches the least value. It first follows the root winner's path, whose
 * left turns need no test (the left child's winner is the root's); only
 * where the path turns right is the left sibling tested, and once one
 * reaches the least value the descent leaves the path for it. */
uint32_t kt_leftmost(const ktree *t, uint64_t cap, uint64_t *u) {
  const kt_node *r = &t->nd[1];
  if (r->win == KT_NONE)
    return KT_NONE;
  uint64_t best = clamped(r, t->s, cap);
  int all = best == cap;
  size_t v = 1, w = t->leaves + r->win, sh = (size_t)__builtin_ctzll(t->leaves);
  while (sh > 0) { /* v is on the winner's path, sh levels above its leaf */
    size_t next = w >> --sh;
    /* the path's turn is data: tested with the sibling, not before it (a
     * left turn's next - 1 is another parent's child, read and ignored) */
    if ((next & 1) & reaches(&t->nd[next - 1], best, all, t->s)) {
      v = next - 1;
      break;
    }
    v = next;
  }
  while (v < t->leaves) /* off the path: the general descent */
    v = 2 * v + !reaches(&t->nd[2 * v], best, all, t->s);
  *u = best;
  return (uint32_t)(v - t->leaves);
}
