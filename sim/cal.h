/* cal.h: the event calendar, typed events in one (time, sequence) order.
 *
 * Every event is a heap_ev (t, ord, kind, arg): `kind` says which handler
 * runs it (the engine's table of event types), `arg` what it applies to (a
 * device index). ord is the sequence number from the calendar's one
 * counter, so events at equal times leave in the order they were scheduled
 * and a run is deterministic.
 *
 * Two queues behind one order: events whose class makes them arrive in
 * (t, ord) order already (completions of a fixed service time: same device
 * entry, same token count) go to the completion queue's per-class FIFOs
 * (evq.h), the fast path; every other event goes to a 4-ary heap (heap.h).
 * cal_pop() takes the earlier of the two heads by (t, ord), so the split is
 * invisible to the order. The calendar owns both; steady state allocates
 * nothing.
 */
#ifndef ES_CAL_H
#define ES_CAL_H

#include "evq.h"
#include "heap.h"

typedef struct cal {
  evq fifo;     /* fixed-service completions, by class */
  heap h;       /* every other event */
  uint64_t seq; /* the next sequence number */
} cal;

/* `classes`: FIFO classes (0: the FIFO side is a plain heap too);
 * `reserve`: events expected at once. 0, or -1 if out of memory. */
int cal_init(cal *c, size_t classes, size_t reserve);
void cal_destroy(cal *c);

/* Schedules an event of `kind` at t. 0, or -1 if out of memory. */
static inline int cal_push(cal *c, double t, uint32_t kind, uint32_t arg) {
  return heap_push(&c->h, (heap_ev){t, c->seq++, kind, arg});
}
/* The same in FIFO class `cls`: within a class, times must not decrease. */
static inline int cal_push_fifo(cal *c, size_t cls, double t, uint32_t kind, uint32_t arg) {
  return evq_push(&c->fifo, cls, (heap_ev){t, c->seq++, kind, arg});
}

/* Time of the earliest event; +inf when empty. */
static inline double cal_next_t(const cal *c) {
  double a = evq_next_t(&c->fifo);
  if (c->h.n && c->h.ev[0].t < a)
    return c->h.ev[0].t;
  return a;
}

/* Removes the earliest event by (t, ord) into *out; not empty. */
static inline void cal_pop(cal *c, heap_ev *out) {
  if (c->h.n) {
    const heap_ev *f = evq_peek(&c->fifo);
    if (!f || heap_less(&c->h.ev[0], f)) {
      heap_pop(&c->h, out);
      return;
    }
  }
  evq_pop(&c->fifo, out);
}

#endif
