#include "window.h"

#include <math.h>
#include <stdlib.h>

#include "ring.h"

int win_init(win *l, double window_s) {
  l->cap = 64;
  l->ring = malloc(l->cap * sizeof *l->ring);
  l->head = l->n = 0;
  l->w = window_s;
  l->max = WIN_MAX_ENTRIES;
  return l->ring ? 0 : -1;
}

void win_destroy(win *l) {
  free(l->ring);
  l->ring = NULL;
}

/* Doubles the ring, unrolling it so the oldest entry is at index 0. */
int win_grow(win *l) {
  if (l->n >= l->max) /* the stated bound (window.h) */
    return -1;
  win_entry *r = ring_doubled(l->ring, sizeof *r, l->head, l->n, l->cap, 64);
  if (!r)
    return -1;
  l->ring = r;
  l->head = 0;
  l->cap *= 2; /* win_init made it 64 */
  return 0;
}
