#include "window.h"

#include <math.h>
#include <stdlib.h>

int win_init(win *w, uint64_t cap_tokens, double window_s) {
  w->cap = 16;
  w->ring = malloc(w->cap * sizeof *w->ring);
  w->head = w->n = 0;
  w->used = 0;
  w->cap_tokens = cap_tokens;
  w->w = window_s;
  return w->ring ? 0 : -1;
}

void win_destroy(win *w) {
  free(w->ring);
  w->ring = NULL;
}

void win_expire(win *w, double t) {
  while (w->n) {
    const win_entry *e = &w->ring[w->head];
    if (e->t + w->w > t)
      break;
    w->used -= e->tokens;
    w->head = (w->head + 1) & (w->cap - 1);
    w->n--;
  }
}

/* Doubles the ring, unrolling it so the oldest entry is at index 0. */
static int grow(win *w) {
  win_entry *r = malloc(2 * w->cap * sizeof *r);
  if (!r)
    return -1;
  for (size_t i = 0; i < w->n; i++)
    r[i] = w->ring[(w->head + i) & (w->cap - 1)];
  free(w->ring);
  w->ring = r;
  w->head = 0;
  w->cap *= 2;
  return 0;
}

int win_add(win *w, double t, uint64_t tokens) {
  if (w->n == w->cap && grow(w))
    return -1;
  w->ring[(w->head + w->n) & (w->cap - 1)] = (win_entry){t, tokens};
  w->n++;
  w->used += tokens;
  return 0;
}

double win_next_expiry(const win *w) {
  return w->n ? w->ring[w->head].t + w->w : INFINITY;
}
