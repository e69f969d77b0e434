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

int tmr_init(tmr *m, size_t nids) {
  *m = (tmr){.nids = nids, .open = TMR_NONE};
  if (!nids)
    return 0;
  size_t no = (nids + TMR_SUB - 1) / TMR_SUB;
  /* key[-3 .. no + 3], 64-byte aligned at key[-3], so key[4k + 1 .. 4k + 4]
   * share a line */
  size_t bytes = (no + 8) * sizeof(tmr_key);
  m->mem = aligned_alloc(64, (bytes + 63) / 64 * 64);
  m->id = malloc(no * sizeof *m->id);
  m->pos = malloc(no * sizeof *m->pos);
  m->first = malloc(no);
  m->slot = malloc(no * TMR_SUB * sizeof *m->slot);
  if (!m->mem || !m->id || !m->pos || !m->first || !m->slot)
    return -1;
  m->key = (tmr_key *)m->mem + 3;
  for (size_t o = 0; o < no; o++)
    m->pos[o] = TMR_NONE;
  for (size_t k = 0; k < no * TMR_SUB; k++)
    m->slot[k] = IDLE;
  return 0;
}

void tmr_destroy(tmr *m) {
  free(m->mem);
  free(m->id);
  free(m->pos);
  free(m->first);
  free(m->slot);
  *m = (tmr){.open = TMR_NONE};
}

static inline void place(tmr *m, size_t k, tmr_key x, uint32_t id) {
  m->key[k] = x;
  m->id[k] = id;
  m->pos[id] = (uint32_t)k;
}

/* Puts key x of owner id at node k or above (x went down or is new). */
static void sift_up(tmr *m, size_t k, tmr_key x, uint32_t id) {
  while (k > 0 && x < m->key[(k - 1) / 4]) {
    size_t p = (k - 1) / 4;
    place(m, k, m->key[p], m->id[p]);
    k = p;
  }
  place(m, k, x, id);
}

/* The smallest of node k's children (k has one). */
static inline size_t min_child(const tmr *m, size_t k) {
  size_t c = 4 * k + 1;
  const tmr_key *g = &m->key[c];
  if (c + 4 <= m->n) { /* a full line: branch-free */
    size_t a = g[1] < g[0], b = 2 + (g[3] < g[2]);
    return c + (g[b] < g[a] ? b : a);
  }
  size_t w = 0;
  for (size_t j = 1; c + j < m->n; j++)
    if (g[j] < g[w])
      w = j;
  return c + w;
}

/* Puts key x of owner id at node k or below (x went up). */
static void sift_down(tmr *m, size_t k, tmr_key x, uint32_t id) {
  while (4 * k + 1 < m->n) {
    size_t c = min_child(m, k);
    if (!(m->key[c] < x))
      break;
    place(m, k, m->key[c], m->id[c]);
    k = c;
  }
  place(m, k, x, id);
}

/* Node k takes key x of owner id, up or down to its place. */
static void move(tmr *m, size_t k, tmr_key x, uint32_t id) {
  if (k > 0 && x < m->key[(k - 1) / 4])
    sift_up(m, k, x, id);
  else
    sift_down(m, k, x, id);
}

static void remove_at(tmr *m, size_t k) {
  m->pos[m->id[k]] = TMR_NONE;
  if (k != --m->n)
    move(m, k, m->key[m->n], m->id[m->n]);
}

/* Owner o's node made to hold its earliest pending slot, or removed. */
static void refresh(tmr *m, uint32_t o) {
  const heap_ev *s = &m->slot[TMR_SUB * o];
  uint32_t b = 0;
  for (uint32_t j = 1; j < TMR_SUB; j++)
    if (heap_less(&s[j], &s[b]))
      b = j;
  size_t k = m->pos[o];
  if (s[b].ord == TMR_IDLE) {
    if (k != TMR_NONE)
      remove_at(m, k);
    return;
  }
  m->first[o] = (uint8_t)b;
  if (k == TMR_NONE)
    sift_up(m, m->n++, key_of(&s[b]), o);
  else
    move(m, k, key_of(&s[b]), o);
}

void tmr_set(tmr *m, uint32_t id, heap_ev ev) {
  uint32_t o = id / TMR_SUB, s = id % TMR_SUB;
  m->slot[id] = ev;
  if (o == m->open) /* tmr_settle places it */
    return;
  size_t k = m->pos[o];
  tmr_key x = key_of(&ev);
  if (k == TMR_NONE || x < m->key[k]) { /* the owner's new earliest */
    m->first[o] = (uint8_t)s;
    sift_up(m, k == TMR_NONE ? m->n++ : k, x, o);
  } else if (m->first[o] == s) /* its earliest moved later */
    refresh(m, o);
  /* else a later slot stays later: the node is unchanged */
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
  uint32_t o = m->id[0], id = TMR_SUB * o + m->first[o];
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
