/* tmr.h: per-owner timers, an indexed 4-ary min-heap (libuv's
 * uv_timer_again: one timer per owner, rescheduled in place).
 *
 * Each owner id in [0, nids) has at most one pending timer, an event
 * (heap.h's heap_ev: t, ord, kind, arg) ordered by (t, ord) like every other
 * event. tmr_set() schedules or moves an owner's timer, tmr_cancel() removes
 * it, both O(log n) with n the pending timers; pos[] maps an owner to its
 * slot, so nothing is searched. The calendar (cal.h) merges the top with its
 * other two sources. Memory: two arrays sized by the number of owners at
 * init; nothing is allocated afterwards.
 */
#ifndef ES_TMR_H
#define ES_TMR_H

#include <stddef.h>
#include <stdint.h>

#include "heap.h"

#define TMR_NONE UINT32_MAX

typedef struct tmr {
  heap_ev *ev;   /* ev[0] the earliest; children of k are 4k+1 .. 4k+4 */
  uint32_t *id;  /* id[k]: owner of ev[k] */
  uint32_t *pos; /* pos[owner]: its slot, or TMR_NONE */
  size_t n, nids;
} tmr;

/* 0, or -1 if out of memory (tmr_destroy is still safe). nids may be 0. */
int tmr_init(tmr *m, size_t nids);
void tmr_destroy(tmr *m);
/* Schedules owner `id`'s timer as ev, replacing a pending one. */
void tmr_set(tmr *m, uint32_t id, heap_ev ev);
/* Removes owner `id`'s timer if pending. */
void tmr_cancel(tmr *m, uint32_t id);
/* Removes the earliest timer into *out (not empty); its owner has none left. */
void tmr_pop(tmr *m, heap_ev *out);
static inline int tmr_pending(const tmr *m, uint32_t id) { return m->pos[id] != TMR_NONE; }

#endif
