/* lim_sliding_window.c: the paper's limiter. used(t) counts the tokens
 * admitted in (t - W, t]; an admission at a leaves the window at a + W
 * exactly. The group keeps one exact log of its members' admissions
 * (window.h): they share W, so admissions leave in the order they came.
 * The log holds at most the sum of the members' C entries (every entry has
 * at least one token). */
#include "lim_sliding_window.h"

#include "kinds.h"

static int init(lim_grp *g) { return win_init(g->st, g->w); }

static void destroy(lim_grp *g) {
  if (g->st)
    win_destroy(g->st);
}

static void advance(lim_grp *g, double t) {
  uint32_t i;
  while (lim_sw_pop(g, t, &i))
    g->on_drop(g->ctx, i, t); /* (found at t; the engine pops windows itself) */
}

const lim_ops lim_sliding_window = {
    .h = {"sliding_window", "tokens admitted in (t - W, t], exact (the paper's)", NULL, 0, NULL,
          NULL},
    .init = init,
    .destroy = destroy,
    .advance = advance,
    .admit = lim_sw_admit,
    .state_size = sizeof(win),
};
