/* lim_fixed_window.c: at most C tokens admitted in each window
 * [jW, (j+1)W), j = 0, 1, ...; `used` counts the tokens admitted since the
 * current window began. Boundaries are lim_window_of()'s (j * W as one
 * double multiplication): an arrival at exactly jW is in window j, after
 * the reset. The kind is eager: advance() resets at a boundary only the
 * devices that admitted in the ending window (kept in a list, each device
 * once), reporting each through on_drop, so a reset costs O(1) per
 * admission it undoes, never a scan of the group. A queue head that does
 * not fit is ready at the next window's start. */
#include "kinds.h"

#include <stdlib.h>

typedef struct fw {
  double end;      /* first instant of the next window, b(j + 1) */
  uint32_t *dirty; /* devices with used > 0, each once */
  size_t ndirty;
} fw;

static int init(lim_grp *g) {
  fw *s = g->st;
  s->end = g->w;
  return (s->dirty = malloc((g->nmem ? g->nmem : 1) * sizeof *s->dirty)) ? 0 : -1;
}

static void destroy(lim_grp *g) {
  fw *s = g->st;
  if (s)
    free(s->dirty);
}

static void advance(lim_grp *g, double t) {
  fw *s = g->st;
  if (t < s->end)
    return;
  double reset = s->end; /* the boundary after their admissions: when `used` dropped */
  s->end = (double)(lim_window_of(t, g->w) + 1) * g->w;
  for (size_t k = 0; k < s->ndirty; k++) {
    g->devs[s->dirty[k]].used = 0;
    g->on_drop(g->ctx, s->dirty[k], reset);
  }
  s->ndirty = 0;
}

static int admit(lim_grp *g, uint32_t i, uint64_t tok, double t) {
  fw *s = g->st;
  dev *d = &g->devs[i];
  (void)t; /* the group was advanced to t */
  if (d->used == 0 && tok > 0)
    s->dirty[s->ndirty++] = i;
  d->used += tok;
  return 0;
}

/* Now if k fits what is left of the window, else at the next window's
 * start (the group's next reset, exactly the time advance() resets). */
static double ready_at(const lim_grp *g, uint32_t i, uint64_t k, double t) {
  const dev *d = &g->devs[i];
  if (d->used + k <= d->cap_tokens)
    return t;
  return k <= d->cap_tokens ? ((const fw *)g->st)->end : INFINITY;
}

const lim_ops lim_fixed_window = {
    .h = {"fixed_window", "at most C tokens admitted in each window [jW, (j+1)W)", NULL, 0, NULL,
          NULL},
    .init = init,
    .destroy = destroy,
    .advance = advance,
    .admit = admit,
    .ready_at = ready_at,
    .state_size = sizeof(fw),
};
