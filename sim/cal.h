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
 * A third source holds per-owner timers that are moved in place (tmr.h: a
 * shared-service device's next completion, a queue head's deadline); it is
 * empty, and costs one test per event, unless the scenario has queues or
 * shared service. After popping a timer, call tmr_settle() on c->tm
 * before the next cal_next_t()/cal_pop() (the engine's run_due_sv does). cal_pop() takes the
 * earliest of the heads by (t, ord), so the split is invisible to the order. The calendar owns all
 * three; steady state allocates nothing.
 *
 * Priority classes: ord = class << 56 | sequence, so at equal times every
 * class-0 event (completions, service, prefill) leaves before a class-1
 * event (a queue deadline): a request whose slot frees exactly at its
 * deadline starts rather than times out.
 */
#ifndef ES_CAL_H
#define ES_CAL_H

#include "evq.h"
#include "heap.h"
#include "tmr.h"

typedef struct cal {
  evq fifo;     /* fixed-service completions, by class */
  heap h;       /* every other event */
  tmr tm;       /* per-owner timers (cal_timers), or none */
  uint64_t seq; /* the next sequence number */
} cal;

/* `classes`: FIFO classes (0: the FIFO side is a plain heap too);
 * `reserve`: events expected at once. 0, or -1 if out of memory. */
int cal_init(cal *c, size_t classes, size_t reserve);
void cal_destroy(cal *c);

/* Makes room for `nids` per-owner timers (before any event). 0, or -1 if
 * out of memory. */
int cal_timers(cal *c, size_t nids);

#define CAL_CLASS_SHIFT 56

/* Schedules (or moves) owner `id`'s timer: an event of `kind` at t in
 * priority class `cls` (0 or 1). */
static inline void cal_set_timer(cal *c, uint32_t id, double t, uint32_t kind, uint32_t arg,
                                 uint64_t cls) {
  tmr_set(&c->tm, id, (heap_ev){t, cls << CAL_CLASS_SHIFT | c->seq++, kind, arg});
}
static inline void cal_cancel_timer(cal *c, uint32_t id) { tmr_cancel(&c->tm, id); }

/* Schedules an event of `kind` at t. 0, or -1 if out of memory. */
static inline int cal_push(cal *c, double t, uint32_t kind, uint32_t arg) {
  return heap_push(&c->h, (heap_ev){t, c->seq++, kind, arg});
}
/* The same in FIFO class `cls`: within a class, times must not decrease. */
static inline int cal_push_fifo(cal *c, size_t cls, double t, uint32_t kind, uint32_t arg) {
  return evq_push(&c->fifo, cls, (heap_ev){t, c->seq++, kind, arg});
}

/* Time of the earliest event; +inf when empty. */
/* The next event's time and its removal, for calendars whose timers are
 * never used (`timers` 0: runs without queues or shared service, the
 * engine's fast path) or may be (1). */
static inline __attribute__((always_inline)) double cal_next_t_k(const cal *c, int timers) {
  double a = evq_next_t(&c->fifo);
  if (c->h.n && c->h.ev[0].t < a)
    a = c->h.ev[0].t;
  if (timers && c->tm.n && tmr_top(&c->tm).t < a)
    a = tmr_top(&c->tm).t;
  return a;
}

static inline __attribute__((always_inline)) void cal_pop_k(cal *c, heap_ev *out, int timers) {
  if (timers && c->tm.n) {
    heap_ev top = tmr_top(&c->tm);
    const heap_ev *f = evq_peek(&c->fifo), *t = &top;
    if ((!f || heap_less(t, f)) && (!c->h.n || heap_less(t, &c->h.ev[0]))) {
      tmr_pop(&c->tm, out);
      return;
    }
  }
  if (c->h.n) {
    const heap_ev *f = evq_peek(&c->fifo);
    if (!f || heap_less(&c->h.ev[0], f)) {
      heap_pop(&c->h, out);
      return;
    }
  }
  evq_pop(&c->fifo, out);
}

static inline double cal_next_t(const cal *c) { return cal_next_t_k(c, 1); }

/* Removes the earliest event by (t, ord) into *out; not empty. */
static inline void cal_pop(cal *c, heap_ev *out) { cal_pop_k(c, out, 1); }

#endif
