#include "tmr.h"

#include <math.h>
#include <stdlib.h>

static const heap_ev IDLE = {INFINITY, TMR_IDLE, 0, 0}; /* after every pending timer */

/* (at, ao) < (bt, bo) */
static inline int key_less(uint64_t at, uint64_t ao, uint64_t bt, uint64_t bo) {
  return at < bt || (at == bt && ao < bo);
}

/* The owner of least key below node c (a leaf is its own owner). */
static inline uint32_t winner(const tmr *m, uint32_t c) {
  return c >= m->leaves ? c - m->leaves : m->node[c];
}

int tmr_init(tmr *m, size_t nids) {
  *m = (tmr){.nids = nids, .open = TMR_NONE};
  if (!nids)
    return 0;
  size_t no = (nids + TMR_SUB - 1) / TMR_SUB;
  for (m->leaves = 2; m->leaves < no;)
    m->leaves *= 2;
  m->kt = malloc(m->leaves * sizeof *m->kt);
  m->ko = malloc(m->leaves * sizeof *m->ko);
  m->node = malloc(m->leaves * sizeof *m->node);
  m->first = malloc(no);
  m->slot = malloc(no * TMR_SUB * sizeof *m->slot);
  if (!m->kt || !m->ko || !m->node || !m->first || !m->slot)
    return -1;
  for (size_t o = 0; o < m->leaves; o++)
    m->kt[o] = m->ko[o] = TMR_KT_NONE;
  for (uint32_t p = m->leaves - 1; p >= 1; p--)
    m->node[p] = winner(m, 2 * p);
  m->node[0] = TMR_NONE; /* above the root: ends an upward climb */
  for (size_t k = 0; k < no * TMR_SUB; k++)
    m->slot[k] = IDLE;
  return 0;
}

void tmr_destroy(tmr *m) {
  free(m->kt);
  free(m->ko);
  free(m->node);
  free(m->first);
  free(m->slot);
  *m = (tmr){.open = TMR_NONE};
}

/* Owner o's key is now (xt, xo): the nodes of its path that it wins, or
 * won, recomputed. Keys are unique, so a node whose winner is another
 * owner that still beats o (down) or that o never beat (up) ends the
 * climb. With `whole` (a constant: tmr_settle's copy), a larger key
 * recomputes every node of the path instead, without testing which ones o
 * won: the popped owner won them all, and recomputing a node from its
 * children is right whoever held it (the other child's subtree does not
 * hold o), so the tree orders the pending timers the same (only which of
 * several owners without a timer holds a node may differ, and no pop or
 * top reads that); one test and a load fewer per level. */
static inline __attribute__((always_inline)) void climb_k(tmr *m, uint32_t o, uint64_t xt,
                                                          uint64_t xo, int whole) {
  uint64_t ot = m->kt[o], oo = m->ko[o];
  if (xt == ot && xo == oo)
    return;
  if (xt == TMR_KT_NONE) /* no timer left (ot is not none: the keys differ) */
    m->n--;
  else if (ot == TMR_KT_NONE) /* its first */
    m->n++;
  m->kt[o] = xt, m->ko[o] = xo;
  const uint64_t *kt = m->kt, *ko = m->ko;
  uint32_t c = m->leaves + o, p = c / 2;
  if (key_less(xt, xo, ot, oo)) { /* o wins up to the first node whose winner beats it */
    for (; p >= 1; p /= 2) {
      uint32_t w = m->node[p];
      if (w != o && !key_less(xt, xo, kt[w], ko[w]))
        break;
      m->node[p] = o;
    }
    return;
  }
  if (!whole && m->node[p] != o)
    return;
  uint32_t w = o ^ 1; /* the leaf pair's winner, then the winner below carried up (kt xt) */
  if (key_less(kt[w], ko[w], xt, xo))
    xt = kt[w];
  else
    w = o;
  m->node[p] = w;
  if (whole) {
    for (; p > 1; p /= 2) { /* node p is done: its parent from p and its sibling */
      uint32_t s = m->node[p ^ 1];
      uint64_t st = kt[s];
      int lt = st < xt;
      if (__builtin_expect(st == xt, 0)) /* equal times: by ord */
        lt = ko[s] < ko[w];
      w = lt ? s : w;
      xt = lt ? st : xt;
      m->node[p / 2] = w;
    }
    return;
  }
  for (c = p, p /= 2; m->node[p] == o; c = p, p /= 2) { /* node[0] is TMR_NONE: stops */
    uint32_t s = m->node[c ^ 1];
    uint64_t st = kt[s];
    int lt = st < xt;
    if (__builtin_expect(st == xt, 0)) /* equal times: by ord */
      lt = ko[s] < ko[w];
    w = lt ? s : w;
    xt = lt ? st : xt;
    m->node[p] = w;
  }
}

/* Out of line, both: inlined into their callers, gcc made the loops'
 * conditional moves branches on which child wins (data: they mispredict). */
static __attribute__((noinline)) void climb(tmr *m, uint32_t o, uint64_t xt, uint64_t xo) {
  climb_k(m, o, xt, xo, 0);
}
static __attribute__((noinline)) void climb_whole(tmr *m, uint32_t o, uint64_t xt, uint64_t xo) {
  climb_k(m, o, xt, xo, 1);
}

/* Owner o's key made its earliest pending slot's (or none). The last slot
 * (svc.h's head-ready timer, set only under some limiter kinds) is tested
 * for being pending first: one load when idle, not a full comparison.
 * `popped`: o is tmr_settle's (climb_whole). */
static inline __attribute__((always_inline)) void refresh_k(tmr *m, uint32_t o, int popped) {
  const heap_ev *s = &m->slot[TMR_SUB * o];
  uint32_t b = 0;
  for (uint32_t j = 1; j < TMR_SUB - 1; j++)
    if (heap_less(&s[j], &s[b]))
      b = j;
  if (s[TMR_SUB - 1].ord != TMR_IDLE && heap_less(&s[TMR_SUB - 1], &s[b]))
    b = TMR_SUB - 1;
  m->first[o] = (uint8_t)b;
  uint64_t xt = TMR_KT_NONE, xo = TMR_KT_NONE;
  if (s[b].ord != TMR_IDLE)
    xt = dbits_of(s[b].t), xo = s[b].ord;
  if (popped)
    climb_whole(m, o, xt, xo);
  else
    climb(m, o, xt, xo);
}

static void refresh(tmr *m, uint32_t o) { refresh_k(m, o, 0); }

void tmr_place(tmr *m, uint32_t id) {
  uint32_t o = id / TMR_SUB, s = id % TMR_SUB;
  heap_ev ev = m->slot[id];
  uint64_t xt = dbits_of(ev.t);
  if (key_less(xt, ev.ord, m->kt[o], m->ko[o])) { /* the owner's new earliest (or first) */
    m->first[o] = (uint8_t)s;
    climb(m, o, xt, ev.ord);
  } else if (m->first[o] == s) /* its earliest moved later */
    refresh(m, o);
  /* else a later slot stays later: the key is unchanged */
}

void tmr_cancel(tmr *m, uint32_t id) {
  if (m->slot[id].ord == TMR_IDLE)
    return;
  m->slot[id] = IDLE;
  uint32_t o = id / TMR_SUB;
  if (o != m->open && m->first[o] == id % TMR_SUB)
    refresh(m, o);
}

void tmr_settle(tmr *m) {
  if (m->open == TMR_NONE)
    return;
  uint32_t o = m->open;
  m->open = TMR_NONE;
  refresh_k(m, o, 1);
}
