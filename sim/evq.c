#include "evq.h"

#include <stdlib.h>
#include <string.h>

#include "ring.h"

const heap_ev evq_none = {INFINITY, UINT64_MAX, 0, 0}; /* an empty class */

/* Replays the path of class c after its head changed: the head climbs,
 * meeting at each level the winner of the sibling subtree, and every node
 * on the way takes the better of the two. The candidate stays in registers,
 * so a level is one load of the sibling's winner and one comparison. (t, ord)
 * pairs are distinct (ord holds a sequence number), except between empty
 * classes, whose order does not matter. */
void evq_replay(evq *e, size_t c) {
  const evq_fifo *f = &e->q[c];
  e->first[c] = f->n ? f->ring[f->head] : evq_none;
  double t = e->first[c].t;
  uint64_t ord = e->first[c].ord;
  uint32_t w = (uint32_t)c, *win = e->win;
  const heap_ev *first = e->first;
  for (size_t q = e->leaves + c; q > 1; q >>= 1) {
    uint32_t o = win[q ^ 1];
    double to = first[o].t;
    uint64_t oo = first[o].ord;
    /* branch-free: which side wins is data, a branch on it mispredicts */
    uint64_t m = -(uint64_t)((to < t) | ((to == t) & (oo < ord)));
    uint64_t tb, tob;
    memcpy(&tb, &t, sizeof tb);
    memcpy(&tob, &to, sizeof tob);
    tb ^= (tb ^ tob) & m;
    memcpy(&t, &tb, sizeof t);
    ord ^= (ord ^ oo) & m;
    w ^= (w ^ o) & (uint32_t)m;
    win[q >> 1] = w;
  }
}

int evq_init(evq *e, size_t nclasses, size_t reserve) {
  *e = (evq){.nq = nclasses};
  heap_init(&e->h);
  if (!nclasses)
    return heap_reserve(&e->h, reserve);
  for (e->leaves = 1; e->leaves < nclasses;)
    e->leaves *= 2;
  e->q = calloc(nclasses, sizeof *e->q);
  e->first = malloc(e->leaves * sizeof *e->first);
  e->win = malloc(2 * e->leaves * sizeof *e->win);
  if (!e->q || !e->first || !e->win)
    return -1;
  for (size_t c = 0; c < e->leaves; c++) {
    e->first[c] = evq_none;
    e->win[e->leaves + c] = (uint32_t)c;
  }
  for (size_t p = e->leaves - 1; p >= 1; p--)
    e->win[p] = e->win[2 * p];
  return 0;
}

void evq_destroy(evq *e) {
  if (e->q)
    for (size_t k = 0; k < e->nq; k++)
      free(e->q[k].ring);
  free(e->q);
  free(e->first);
  free(e->win);
  heap_destroy(&e->h);
  *e = (evq){0};
}

/* Doubles a ring (first use: 16 events), unrolling it so the oldest is at 0. */
int evq_grow(evq_fifo *f) {
  heap_ev *r = ring_doubled(f->ring, sizeof *r, f->head, f->n, f->cap, 16);
  if (!r)
    return -1;
  f->ring = r;
  f->head = 0;
  f->cap = f->cap ? 2 * f->cap : 16;
  return 0;
}
