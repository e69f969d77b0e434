/* disp_round_robin.c: devices in index order. A request tries the device
 * after the last one tried (by any earlier request), wrapping at n, then the
 * next, up to dispatch.attempts devices; O(k). */
#include "kinds.h"

typedef struct state {
  size_t next; /* the device after the last one tried */
} state;

static long pick(disp *d, uint64_t tok, double t) {
  state *st = d->st;
  for (size_t a = 1;; a++) {
    size_t i = st->next;
    st->next = i + 1 < d->n ? i + 1 : 0;
    if (a >= d->attempts || a >= d->n || disp_admits(d, i, tok, t))
      return (long)i; /* the last attempt: the engine tests it */
  }
}

const disp_ops disp_round_robin = {
    .h = {"round_robin", "devices in index order, from the one after the last tried, wrapping",
          NULL, 0, NULL, NULL},
    .pick = pick,
    .state_size = sizeof(state),
};
