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
/* Schedules ev in class `cls` (ignored when nq == 0). Within a class, events
 * must come in (t, ord) order. 0, or -1 if out of memory (queue unchanged). */
int evq_push(evq *e, size_t cls, heap_ev ev);
/* Removes the earliest event by (t, ord) into *out; the queue must not be
 * empty. Never allocates. */
void evq_pop(evq *e, heap_ev *out);

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
