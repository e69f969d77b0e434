#include "evq.h"

#include <stdlib.h>

static const heap_ev NONE = {INFINITY, UINT64_MAX, 0, 0}; /* an empty class */

/* Replays the path of class c after its head changed. */
static void replay(evq *e, size_t c) {
  const evq_fifo *f = &e->q[c];
  e->first[c] = f->n ? f->ring[f->head] : NONE;
  for (size_t p = (e->leaves + c) / 2; p >= 1; p /= 2) {
    uint32_t a = e->win[2 * p], b = e->win[2 * p + 1];
    e->win[p] = heap_less(&e->first[b], &e->first[a]) ? b : a;
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
    e->first[c] = NONE;
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
static int grow(evq_fifo *f) {
  size_t cap = f->cap ? 2 * f->cap : 16;
  heap_ev *r = malloc(cap * sizeof *r);
  if (!r)
    return -1;
  for (size_t i = 0; i < f->n; i++)
    r[i] = f->ring[(f->head + i) & (f->cap - 1)];
  free(f->ring);
  f->ring = r;
  f->head = 0;
  f->cap = cap;
  return 0;
}

int evq_push(evq *e, size_t cls, heap_ev ev) {
  if (!e->nq)
    return heap_push(&e->h, ev);
  evq_fifo *f = &e->q[cls];
  if (f->n == f->cap && grow(f))
    return -1;
  f->ring[(f->head + f->n) & (f->cap - 1)] = ev;
  if (f->n++ == 0) /* a new head: only then does the order change */
    replay(e, cls);
  return 0;
}

void evq_pop(evq *e, heap_ev *out) {
  if (!e->nq) {
    heap_pop(&e->h, out);
    return;
  }
  size_t c = e->win[1];
  evq_fifo *f = &e->q[c];
  *out = f->ring[f->head];
  f->head = (f->head + 1) & (f->cap - 1);
  f->n--;
  replay(e, c);
}
