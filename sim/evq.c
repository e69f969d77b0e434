#include "evq.h"

#include <stdlib.h>

int evq_init(evq *e, size_t nclasses, size_t reserve) {
  heap_init(&e->h);
  e->nq = nclasses;
  e->q = nclasses ? calloc(nclasses, sizeof *e->q) : NULL;
  if (nclasses && !e->q)
    return -1;
  return heap_reserve(&e->h, nclasses ? nclasses + 1 : reserve);
}

void evq_destroy(evq *e) {
  for (size_t k = 0; k < e->nq; k++)
    free(e->q[k].ring);
  free(e->q);
  e->q = NULL;
  e->nq = 0;
  heap_destroy(&e->h);
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

/* The heap's entry for a class head: the head's key, the class as kind. */
static heap_ev head_entry(const evq_fifo *f, size_t cls) {
  const heap_ev *h = &f->ring[f->head];
  return (heap_ev){h->t, h->ord, (uint32_t)cls, 0};
}

int evq_push(evq *e, size_t cls, heap_ev ev) {
  if (!e->nq)
    return heap_push(&e->h, ev);
  evq_fifo *f = &e->q[cls];
  if (f->n == f->cap && grow(f))
    return -1;
  f->ring[(f->head + f->n) & (f->cap - 1)] = ev;
  if (f->n++ == 0 && heap_push(&e->h, head_entry(f, cls))) {
    f->n--; /* the heap could not grow: leave the queue as it was */
    return -1;
  }
  return 0;
}

void evq_pop(evq *e, heap_ev *out) {
  if (!e->nq) {
    heap_pop(&e->h, out);
    return;
  }
  size_t cls = e->h.ev[0].kind;
  evq_fifo *f = &e->q[cls];
  *out = f->ring[f->head];
  f->head = (f->head + 1) & (f->cap - 1);
  heap_ev gone;
  if (--f->n) /* the class's next event takes its place */
    heap_pop_push(&e->h, &gone, head_entry(f, cls));
  else
    heap_pop(&e->h, &gone);
}
