#include "tmr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const heap_ev IDLE = {INFINITY, TMR_IDLE, 0, 0}; /* after every pending timer */

static tmr_key key_of(const heap_ev *e) {
  double t = e->t + 0.0; /* -0 as +0: the bits of t >= 0 order like t */
  uint64_t b;
  memcpy(&b, &t, sizeof b);
  return (tmr_key)b << 64 | e->ord;
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
  m->key = malloc(m->leaves * sizeof *m->key);
  m->node = malloc(m->leaves * sizeof *m->node);
  m->first = malloc(no);
  m->slot = malloc(no * TMR_SUB * sizeof *m->slot);
  if (!m->key || !m->node || !m->first || !m->slot)
    return -1;
  for (size_t o = 0; o < m->leaves; o++)
    m->key[o] = TMR_KEY_NONE;
  for (uint32_t p = m->leaves - 1; p >= 1; p--)
    m->node[p] = winner(m, 2 * p);
  m->node[0] = TMR_NONE; /* above the root: ends an upward climb */
  for (size_t k = 0; k < no * TMR_SUB; k++)
    m->slot[k] = IDLE;
  return 0;
}

void tmr_destroy(tmr *m) {
  free(m->key);
  free(m->node);
  free(m->first);
  free(m->slot);
  *m = (tmr){.open = TMR_NONE};
}

/* Owner o's key is now x: the nodes of its path that it wins, or won,
 * recomputed. Keys are unique, so a node whose winner is another owner
 * that still beats o (down) or that o never beat (up) ends the climb. */
static void climb(tmr *m, uint32_t o, tmr_key x) {
  tmr_key old = m->key[o];
  if (x == old)
    return;
  m->n += (size_t)(x != TMR_KEY_NONE) - (size_t)(old != TMR_KEY_NONE);
  m->key[o] = x;
  uint32_t c = m->leaves + o, p = c / 2;
  if (x < old) { /* o wins up to the first node whose winner beats it */
    for (; p >= 1 && (m->node[p] == o || x < m->key[m->node[p]]); p /= 2)
      m->node[p] = o;
    return;
  }
  if (m->node[p] != o)
    return;
  uint32_t w = o ^ 1; /* the leaf pair's winner, then the winner below carried up */
  if (m->key[w] < x)
    x = m->key[w];
  else
    w = o;
  m->node[p] = w;
  for (c = p, p /= 2; m->node[p] == o; c = p, p /= 2) { /* node[0] is TMR_NONE: stops */
    uint32_t s = m->node[c ^ 1];
    if (m->key[s] < x)
      w = s, x = m->key[s];
    m->node[p] = w;
  }
}

/* Owner o's key made its earliest pending slot's (or none). The last slot
 * (svc.h's head-ready timer, set only under some limiter kinds) is tested
 * for being pending first: one load when idle, not a full comparison. */
static void refresh(tmr *m, uint32_t o) {
  const heap_ev *s = &m->slot[TMR_SUB * o];
  uint32_t b = 0;
  for (uint32_t j = 1; j < TMR_SUB - 1; j++)
    if (heap_less(&s[j], &s[b]))
      b = j;
  if (s[TMR_SUB - 1].ord != TMR_IDLE && heap_less(&s[TMR_SUB - 1], &s[b]))
    b = TMR_SUB - 1;
  m->first[o] = (uint8_t)b;
  climb(m, o, s[b].ord == TMR_IDLE ? TMR_KEY_NONE : key_of(&s[b]));
}

void tmr_set(tmr *m, uint32_t id, heap_ev ev) {
  uint32_t o = id / TMR_SUB, s = id % TMR_SUB;
  m->slot[id] = ev;
  if (o == m->open) /* tmr_settle places it */
    return;
  tmr_key x = key_of(&ev);
  if (x < m->key[o]) { /* the owner's new earliest (or first) */
    m->first[o] = (uint8_t)s;
    climb(m, o, x);
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

void tmr_pop(tmr *m, heap_ev *out) {
  uint32_t o = m->node[1], id = TMR_SUB * o + m->first[o];
  *out = m->slot[id];
  m->slot[id] = IDLE;
  m->open = o;
}

void tmr_settle(tmr *m) {
  if (m->open == TMR_NONE)
    return;
  uint32_t o = m->open;
  m->open = TMR_NONE;
  refresh(m, o);
}
