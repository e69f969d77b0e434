#include "heap.h"

#include <stdlib.h>

void heap_init(heap *h) {
  h->ev = NULL;
  h->n = h->cap = 0;
}

void heap_destroy(heap *h) {
  free(h->ev);
  heap_init(h);
}

int heap_reserve(heap *h, size_t cap) {
  if (cap <= h->cap)
    return 0;
  heap_ev *ev = realloc(h->ev, cap * sizeof *ev);
  if (!ev)
    return -1;
  h->ev = ev;
  h->cap = cap;
  return 0;
}

int heap_push(heap *h, heap_ev e) {
  if (h->n == h->cap && heap_reserve(h, h->cap ? 2 * h->cap : 64))
    return -1;
  size_t i = h->n++;
  while (i > 0) { /* sift up: move the hole towards the root */
    size_t p = (i - 1) / 4;
    if (!heap_less(&e, &h->ev[p]))
      break;
    h->ev[i] = h->ev[p];
    i = p;
  }
  h->ev[i] = e;
  return 0;
}

void heap_pop(heap *h, heap_ev *out) {
  *out = h->ev[0];
  heap_ev last = h->ev[--h->n];
  size_t n = h->n, i = 0;
  for (;;) { /* sift down: the hole takes the smallest child */
    size_t c = 4 * i + 1, best = c;
    if (c >= n)
      break;
    size_t end = c + 4 < n ? c + 4 : n;
    for (size_t k = c + 1; k < end; k++)
      if (heap_less(&h->ev[k], &h->ev[best]))
        best = k;
    if (!heap_less(&h->ev[best], &last))
      break;
    h->ev[i] = h->ev[best];
    i = best;
  }
  if (n)
    h->ev[i] = last;
}
