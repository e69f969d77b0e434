/* tmr.h: per-owner timers, TMR_SUB slots per owner, and a winner
 * (tournament) tree over the owners keyed by each owner's earliest pending
 * slot (libuv's uv_timer_again: timers rescheduled in place).
 *
 * A timer id is TMR_SUB * owner + slot. Each id has at most one pending
 * timer, an event (heap.h's heap_ev: t, ord, kind, arg) ordered by
 * (t, ord) like every other event; ord is unique, so the order is total.
 * Owner o is leaf `leaves + o` of a binary tree whose internal node p holds
 * the owner of least key below it, so the root holds the owner of the
 * earliest timer, and tmr_pop() yields the timers in exactly the (t, ord)
 * order of one heap of every timer. A change that leaves its owner's
 * earliest timer alone (a later slot moved or cancelled) costs nothing
 * more; one that changes it climbs the owner's path, at most log2 of the
 * owners and branch-free (but for equal times, rare, which compare ord),
 * stopping where the winner and its key stand.
 *
 * tmr_pop() leaves the popped owner open: its key stays, stale, while the
 * handler of the popped event sets or cancels that owner's slots (only the
 * slots change), and tmr_settle() then climbs its path once. A caller that
 * pops must settle before it reads the top or pops again.
 * Memory: arrays sized by the number of ids at init; nothing is allocated
 * afterwards.
 */
#ifndef ES_TMR_H
#define ES_TMR_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "dbits.h"
#include "heap.h"

#define TMR_NONE UINT32_MAX
#define TMR_SUB 4           /* slots per owner */
#define TMR_IDLE UINT64_MAX /* ord of a slot with no pending timer */

/* A timer's (t, ord) as two unsigned integers: t's bits (t >= 0, so they
 * order like t), kt, and ord, ko, compared as (kt, ko); times are rarely
 * equal, so a climb compares kt and reads ko only on a tie. */
#define TMR_KT_NONE UINT64_MAX /* kt and ko of an owner with no pending timer */

typedef struct tmr {
  uint64_t *kt, *ko; /* kt[owner], ko[owner]: its earliest pending timer (leaves entries) */
  uint32_t *node;    /* node[p], 1 <= p < leaves: owner of least key below p; root node[1]; node[0]
                        TMR_NONE */
  heap_ev *slot;     /* slot[timer id]: pending timer, or ord TMR_IDLE */
  uint8_t *first;    /* first[owner]: its slot whose key kt[owner], ko[owner] hold */
  uint32_t leaves;   /* a power of two >= 2, >= the owners */
  size_t n, nids;    /* owners with a pending timer; timer ids */
  uint32_t open;     /* owner popped and not settled, or TMR_NONE */
} tmr;

/* 0, or -1 if out of memory (tmr_destroy is still safe). nids may be 0. */
int tmr_init(tmr *m, size_t nids);
void tmr_destroy(tmr *m);
/* Timer id's slot changed: its owner's key and path (tmr.c; not the open
 * owner, which tmr_settle places). */
void tmr_place(tmr *m, uint32_t id);
/* Schedules timer `id` as ev, replacing a pending one. (Inline: most are a
 * handler's changes to its own device's timers, the open owner's, which
 * only write the slot.) */
static inline void tmr_set(tmr *m, uint32_t id, heap_ev ev) {
  m->slot[id] = ev;
  if (id / TMR_SUB != m->open)
    tmr_place(m, id);
}
/* Removes timer `id` if pending. */
void tmr_cancel(tmr *m, uint32_t id);
/* Removes the earliest timer into *out (not empty, not open); its owner
 * stays open until tmr_settle(). */
static inline void tmr_pop(tmr *m, heap_ev *out) {
  uint32_t o = m->node[1], id = TMR_SUB * o + m->first[o];
  *out = m->slot[id];
  m->slot[id] = (heap_ev){INFINITY, TMR_IDLE, 0, 0};
  m->open = o;
}
/* Puts the open owner (if any) back in its place, or out of the heap. */
void tmr_settle(tmr *m);
static inline int tmr_pending(const tmr *m, uint32_t id) { return m->slot[id].ord != TMR_IDLE; }
/* The owner of the earliest pending timer (n > 0, not open). */
static inline uint32_t tmr_top_owner(const tmr *m) { return m->node[1]; }
/* The earliest pending timer's (t, ord) (n > 0, not open), from the top
 * node alone (kind and arg 0). */
static inline heap_ev tmr_top(const tmr *m) {
  uint32_t o = m->node[1];
  heap_ev e = {0, m->ko[o], 0, 0};
  e.t = dbits_to(m->kt[o]);
  return e;
}

#endif
