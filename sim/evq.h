/* evq.h: the completion queue, FIFOs of equal service time merged by a heap.
 *
 * A request's completion is scheduled at (admission time + its service
 * time), and admissions come in time order. Completions that share a
 * service time (same device entry, same token count) are therefore
 * scheduled in (t, ord) order already: each such class is a FIFO, and only
 * the FIFO heads need the heap. The heap then holds at most one event per
 * class (a few dozen) instead of one per request in flight, and the events
 * still leave in exactly the heap's (t, ord) order.
 *
 * With nclasses == 0 the queue is the plain heap (for scenarios with too
 * many classes to be worth it). The queue owns its heap and rings; rings
 * grow by doubling and never shrink, so steady state allocates nothing.
 */
#ifndef ES_EVQ_H
#define ES_EVQ_H

#include <math.h>
#include <stddef.h>

#include "heap.h"

typedef struct evq_fifo {
  heap_ev *ring; /* capacity `cap` (a power of two), or NULL before first use */
  size_t head, n, cap;
} evq_fifo;

typedef struct evq {
  heap h;      /* FIFO heads (kind = class), or every event when nq == 0 */
  evq_fifo *q; /* nq classes */
  size_t nq;
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
static inline double evq_next_t(const evq *e) { return e->h.n ? e->h.ev[0].t : INFINITY; }

#endif
