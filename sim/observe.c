/* observe.c: what the observers share: rejection reasons, the sliding
 * window's leave times, and the slot bookkeeping behind per-slot tracks. */
#include "observe.h"

#include <stdlib.h>

#include "faults.h"
#include "window.h"

static const char *const REASON[OBS_REASONS_END] = {
    [OBS_NO_DEVICE] = "no device",
    [OBS_SLOTS] = "slots",
    [OBS_WINDOW] = "window",
    [OBS_QUEUE_FULL] = "queue full",
    [OBS_DEADLINE] = "deadline",
    [OBS_ROUTED] = "routed",
    [OBS_SENT_UP] = "resident LM not good enough",
};

const char *obs_reason_name(enum obs_reason r) {
  return r < OBS_REASONS_END ? REASON[r] : "unknown";
}

enum obs_reason obs_reason_of(const run *u, long picked, uint64_t tok) {
  if (picked < 0)
    return OBS_NO_DEVICE;
  const dev *d = &u->devs[picked];
  const q_dev *q = u->sv ? &u->sv->q[picked] : NULL;
  if (q && q->max && q->n >= q->max) /* svc.h: it would have waited */
    return OBS_QUEUE_FULL;
  if (q && q->n && !(d->closed & DEV_CLOSED_FAULT))
    return OBS_WINDOW; /* a queue with room refuses only tok > C */
  (void)tok;           /* the window test, used + tok > C, is the only other one */
  return d->inflight >= d->max_par ? OBS_SLOTS : OBS_WINDOW;
}

/* ---- the chain ---------------------------------------------------------------- */

#define WALK(h, ...)                                                                               \
  do {                                                                                             \
    for (obs *o = u->obs; o; o = o->next)                                                          \
      if (o->ops->h)                                                                               \
        o->ops->h(o, u, __VA_ARGS__);                                                              \
  } while (0)

void obs_start(const run *u, double t) { WALK(start, t); }
void obs_done(const run *u, double t, size_t i, uint64_t id) { WALK(done, t, i, id); }
void obs_expire(const run *u, double t, size_t i, uint64_t tokens) { WALK(expire, t, i, tokens); }
void obs_arrive(run *u, double t, const wl_arrival *a) {
  u->rq.id = (uint32_t)++u->obs_n; /* carried wherever it waits (observe.h) */
  WALK(arrive, t, a);
}
void obs_admit(const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
               double service) {
  WALK(admit, t, i, t_arr, a, service);
}
void obs_reject(const run *u, double t, long picked, const wl_arrival *a, enum obs_reason reason) {
  WALK(reject, t, picked, a, reason);
}
void obs_queue(const run *u, double t, size_t i, size_t len) { WALK(queue, t, i, len); }
void obs_wait(const run *u, double t, long picked, size_t i, const wl_arrival *a) {
  WALK(wait, t, picked, i, a);
}
void obs_timeout(const run *u, double t, size_t i, double t_arr, const wl_arrival *a) {
  WALK(timeout, t, i, t_arr, a);
}
void obs_first(const run *u, double t, size_t i, uint64_t id) { WALK(first, t, i, id); }
void obs_swap(const run *u, double t, size_t i, const char *from, const char *to, double load_start,
              double load_end) {
  WALK(swap, t, i, from, to, load_start, load_end);
}
void obs_end(const run *u, double t) { WALK(end, t); }

/* The group's log (window.h) read from its oldest entry, without popping. */
void obs_window_due(const run *u, const lim_grp *g, double t) {
  const win *l = g->st;
  for (size_t k = 0; k < l->n; k++) {
    const win_entry *e = &l->ring[(l->head + k) & (l->cap - 1)];
    if (e->t_out > t)
      break;
    obs_expire(u, e->t_out, e->dev, e->tokens);
  }
}

/* ---- slots ------------------------------------------------------------------ */

uint64_t obs_slot_count(const scn *sc) {
  uint64_t n = 0;
  for (size_t k = 0; k < sc->ndev; k++)
    n += sc->dev[k].count * sc->dev[k].max_parallel; /* <= 10^6 x 10^6 */
  return n;
}

int obs_slots_init(obs_slots *s, const scn *sc) {
  *s = (obs_slots){.nslots = obs_slot_count(sc)};
  size_t n = s->nslots ? (size_t)s->nslots : 1;
  s->base = malloc((sc->ninst + 1) * sizeof *s->base);
  s->id = calloc(n, sizeof *s->id);
  s->start = calloc(n, sizeof *s->start);
  s->end = calloc(n, sizeof *s->end);
  s->tok = calloc(n, sizeof *s->tok);
  s->ptok = calloc(n, sizeof *s->ptok);
  s->arr = calloc(n, sizeof *s->arr);
  s->first = calloc(n, sizeof *s->first);
  if (!s->base || !s->id || !s->start || !s->end || !s->tok || !s->ptok || !s->arr || !s->first)
    return -1;
  size_t i = 0, b = 0;
  for (size_t k = 0; k < sc->ndev; k++)
    for (uint64_t j = 0; j < sc->dev[k].count; j++, i++) {
      s->base[i] = b;
      b += (size_t)sc->dev[k].max_parallel;
    }
  s->base[i] = b;
  return 0;
}

void obs_slots_destroy(obs_slots *s) {
  free(s->base);
  free(s->id);
  free(s->start);
  free(s->end);
  free(s->tok);
  free(s->ptok);
  free(s->arr);
  free(s->first);
  *s = (obs_slots){0};
}

size_t obs_slots_take(obs_slots *s, size_t i, uint64_t id, double t, double end,
                      const wl_arrival *a) {
  size_t k = s->base[i];
  while (k + 1 < s->base[i + 1] && s->id[k])
    k++;
  s->id[k] = id;
  s->start[k] = t;
  s->end[k] = end;
  s->tok[k] = a->tokens;
  s->ptok[k] = a->prompt;
  s->arr[k] = t;
  s->first[k] = t;
  return k - s->base[i];
}

long obs_slots_find(const obs_slots *s, size_t i, uint64_t id) {
  for (size_t k = s->base[i]; k < s->base[i + 1]; k++)
    if (s->id[k] == id)
      return (long)(k - s->base[i]);
  return -1;
}

long obs_slots_release_id(obs_slots *s, size_t i, uint64_t id) {
  long k = obs_slots_find(s, i, id);
  if (k >= 0)
    s->id[s->base[i] + (size_t)k] = 0;
  return k;
}

long obs_slots_release(obs_slots *s, size_t i, double t, uint64_t *id) {
  size_t best = SIZE_MAX;
  for (size_t k = s->base[i]; k < s->base[i + 1]; k++) {
    if (!s->id[k])
      continue;
    if (best == SIZE_MAX || (s->end[k] == t) > (s->end[best] == t) ||
        ((s->end[k] == t) == (s->end[best] == t) &&
         (s->end[k] < s->end[best] || (s->end[k] == s->end[best] && s->id[k] < s->id[best]))))
      best = k;
  }
  if (best == SIZE_MAX)
    return -1;
  *id = s->id[best];
  s->id[best] = 0;
  return (long)(best - s->base[i]);
}
