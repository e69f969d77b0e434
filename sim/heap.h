/* heap.h: the event queue, an array-based 4-ary min-heap.
 *
 * Events are ordered by (t, ord): time first, then `ord`, which the engine
 * builds as (priority class << 56 | sequence number). Sequence numbers come
 * from one per-engine counter, so events at equal times and class leave in
 * the order they were scheduled (FIFO), and a run is deterministic.
 * The heap owns its array; it grows by doubling and never shrinks, so a run
 * in steady state allocates nothing per event.
 */
#ifndef ES_HEAP_H
#define ES_HEAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct heap_ev {
  double t;      /* seconds */
  uint64_t ord;  /* tie-break: class << 56 | sequence */
  uint32_t kind; /* engine-defined event kind */
  uint32_t arg;  /* engine-defined argument (a device index) */
} heap_ev;

typedef struct heap {
  heap_ev *ev; /* ev[0] is the minimum; children of i are 4i+1 .. 4i+4 */
  size_t n, cap;
} heap;

void heap_init(heap *h);
void heap_destroy(heap *h);
/* Reserves room for `cap` events; 0 on success, -1 if out of memory. */
int heap_reserve(heap *h, size_t cap);
/* Inserts an event; 0 on success, -1 if out of memory (heap unchanged). */
int heap_push(heap *h, heap_ev e);
/* Removes the minimum into *out; the heap must not be empty. */
void heap_pop(heap *h, heap_ev *out);

static inline int heap_less(const heap_ev *a, const heap_ev *b) {
  return a->t < b->t || (a->t == b->t && a->ord < b->ord);
}
static inline const heap_ev *heap_top(const heap *h) { return h->n ? &h->ev[0] : NULL; }

#endif
