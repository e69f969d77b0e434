/* evq.h: the completion queue, FIFOs of equal service time merged by a
 * winner tree.
 *
 * A request's completion is scheduled at (admission time + its service
 * time), and admissions come in time order. Completions that share a
 * service time (same device entry, same token count) are therefore
 * scheduled in (t, ord) order already: each such class is a FIFO, and only
 * the FIFO heads need ordering. A winner tree over the classes (a few dozen)
 * holds, at each node, the class with the earlier head by (t, ord); taking
 * an event or filling an empty class replays one leaf-to-root path, about
 * log2(classes) comparisons. Events leave in exactly the heap's (t, ord)
 * order.
 *
 * With nclasses == 0 the queue is a plain heap of every event (for
 * scenarios with too many classes to be worth it). The queue owns its
 * arrays; rings grow by doubling and never shrink, so steady state
 * allocates nothing.
 */
#ifndef ES_EVQ_H
#define ES_EVQ_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"

typedef struct evq_fifo {
  heap_ev *ring; /* capacity `cap` (a power of two), or NULL before first use */
  size_t head, n, cap;
} evq_fifo;

typedef struct evq {
  heap h;      /* nq == 0: every event */
  evq_fifo *q; /* nq classes */
  size_t nq;
  size_t leaves;  /* a power of two >= nq */
  heap_ev *first; /* per leaf: the class's head, or t = +inf when empty */
  uint32_t *win;  /* win[1] the root; win[p] the winning class of nodes 2p
                     and 2p + 1; win[leaves + c] = c */
} evq;

/* 0 on success, -1 if out of memory. `reserve`: events expected at once
 * (sizes the plain heap). */
int evq_init(evq *e, size_t nclasses, size_t reserve);
void evq_destroy(evq *e);
/* Internal to evq.c and the two functions below: an empty class's head;
 * a class's path replayed after its head changed; a ring doubled (0, or -1
 * if out of memory). */
extern const heap_ev evq_none;
void evq_replay(evq *e, size_t c);
int evq_grow(evq_fifo *f);

/* Schedules ev in class `cls` (ignored when nq == 0). Within a class, events
 * must come in (t, ord) order. 0, or -1 if out of memory (queue unchanged).
 * (Inline, with evq_pop: one of each per request on the engine's path.) */
static inline int evq_push(evq *e, size_t cls, heap_ev ev) {
  if (!e->nq)
    return heap_push(&e->h, ev);
  evq_fifo *f = &e->q[cls];
  if (__builtin_expect(f->n == f->cap, 0) && evq_grow(f))
    return -1;
  f->ring[(f->head + f->n) & (f->cap - 1)] = ev;
  if (f->n++ == 0) /* a new head: only then does the order change */
    evq_replay(e, cls);
  return 0;
}

/* Removes the earliest event by (t, ord) into *out; the queue must not be
 * empty. Never allocates. */
static inline void evq_pop(evq *e, heap_ev *out) {
  if (!e->nq) {
    heap_pop(&e->h, out);
    return;
  }
  size_t c = e->win[1];
  evq_fifo *f = &e->q[c];
  *out = f->ring[f->head];
  f->head = (f->head + 1) & (f->cap - 1);
  f->n--;
  evq_replay(e, c);
}

/* Time of the earliest event, +inf when empty. */
static inline double evq_next_t(const evq *e) {
  if (e->nq)
    return e->first[e->win[1]].t;
  return e->h.n ? e->h.ev[0].t : INFINITY;
}

/* The earliest event, or NULL when empty. */
static inline const heap_ev *evq_peek(const evq *e) {
  if (e->nq) {
    const heap_ev *f = &e->first[e->win[1]];
    return f->t < INFINITY ? f : NULL;
  }
  return e->h.n ? &e->h.ev[0] : NULL;
}

#endif
