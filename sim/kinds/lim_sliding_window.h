/* lim_sliding_window.h: the sliding window's two hot operations, inline, so
 * that the engine's fast path (every group a sliding window) makes no
 * indirect call per arrival. The row (lim_sliding_window.c) uses them too. */
#ifndef ES_LIM_SLIDING_WINDOW_H
#define ES_LIM_SLIDING_WINDOW_H

#include "limiter.h"
#include "window.h"

/* Takes the oldest admission that left group g's window by t out of its
 * device's `used`; 1 and its device in *i, or 0 if none is due. */
static inline int lim_sw_pop(lim_grp *g, double t, uint32_t *i) {
  win_entry e;
  if (!win_pop_due(g->st, t, &e))
    return 0;
  g->devs[e.dev].used -= e.tokens;
  *i = e.dev;
  return 1;
}

/* Records an admission of `tok` tokens by device i at t. 0, or -1 if out of
 * memory. */
static inline int lim_sw_admit(lim_grp *g, uint32_t i, uint64_t tok, double t) {
  if (win_add(g->st, t, i, tok))
    return -1;
  g->devs[i].used += tok;
  return 0;
}

#endif
