/* ring.h: the growth step of the simulator's power-of-two rings (the
 * window log, the completion FIFOs, the adaptive window's log, device
 * queues): entry k, counted from the oldest, lives at (head + k) &
 * (cap - 1); a full ring doubles, never shrinks.
 */
#ifndef ES_RING_H
#define ES_RING_H

#include <stddef.h>

/* A new array of 2·cap entries of `size` bytes (`first` entries when cap
 * is 0) holding the ring's n entries in order from index 0, its oldest
 * (at `head`) first; the old array is freed. NULL if out of memory or the
 * size overflows: the ring is then unchanged. cap is 0 or a power of two,
 * n <= cap, head < cap (any when cap is 0). The caller sets head 0 and
 * the new capacity. */
void *ring_doubled(void *ring, size_t size, size_t head, size_t n, size_t cap, size_t first);

#endif
