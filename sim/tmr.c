#include "tmr.h"

#include <stdlib.h>

int tmr_init(tmr *m, size_t nids) {
  *m = (tmr){.nids = nids};
  if (!nids)
    return 0;
  m->ev = malloc(nids * sizeof *m->ev);
  m->id = malloc(nids * sizeof *m->id);
  m->pos = malloc(nids * sizeof *m->pos);
  if (!m->ev || !m->id || !m->pos)
    return -1;
  for (size_t i = 0; i < nids; i++)
    m->pos[i] = TMR_NONE;
  return 0;
}

void tmr_destroy(tmr *m) {
  free(m->ev);
  free(m->id);
  free(m->pos);
  *m = (tmr){0};
}

static void place(tmr *m, size_t k, heap_ev ev, uint32_t id) {
  m->ev[k] = ev;
  m->id[k] = id;
  m->pos[id] = (uint32_t)k;
}

/* Moves slot k's timer up or down to its place. */
static void fix(tmr *m, size_t k) {
  heap_ev ev = m->ev[k];
  uint32_t id = m->id[k];
  while (k > 0 && heap_less(&ev, &m->ev[(k - 1) / 4])) {
    size_t p = (k - 1) / 4;
    place(m, k, m->ev[p], m->id[p]);
    k = p;
  }
  for (;;) {
    size_t c = 4 * k + 1, end = c + 4 < m->n ? c + 4 : m->n;
    if (c >= m->n)
      break;
    for (size_t j = c + 1; j < end; j++)
      if (heap_less(&m->ev[j], &m->ev[c]))
        c = j;
    if (!heap_less(&m->ev[c], &ev))
      break;
    place(m, k, m->ev[c], m->id[c]);
    k = c;
  }
  place(m, k, ev, id);
}

void tmr_set(tmr *m, uint32_t id, heap_ev ev) {
  size_t k = m->pos[id];
  if (k == TMR_NONE)
    k = m->n++;
  place(m, k, ev, id);
  fix(m, k);
}

static void remove_at(tmr *m, size_t k) {
  m->pos[m->id[k]] = TMR_NONE;
  if (k != --m->n) {
    place(m, k, m->ev[m->n], m->id[m->n]);
    fix(m, k);
  }
}

void tmr_cancel(tmr *m, uint32_t id) {
  if (m->pos[id] != TMR_NONE)
    remove_at(m, m->pos[id]);
}

void tmr_pop(tmr *m, heap_ev *out) {
  *out = m->ev[0];
  remove_at(m, 0);
}
