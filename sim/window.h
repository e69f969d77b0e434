/* window.h: the sliding-window token limiter of one device (exact log).
 *
 * Invariant: after win_expire(w, t), the log holds exactly the admissions a
 * with a.t in (t - W, t], oldest first, and `used` is the sum of their
 * tokens. An admission at time a stops counting at a + W (the entry leaves
 * when a.t + W <= t). Every entry holds at least one token, so the log never
 * holds more than C entries: memory is bounded by the capacity, not by the
 * number of requests. The window owns its ring buffer.
 */
#ifndef ES_WINDOW_H
#define ES_WINDOW_H

#include <stddef.h>
#include <stdint.h>

typedef struct win_entry {
  double t;        /* admission time, seconds */
  uint64_t tokens; /* output tokens admitted */
} win_entry;

typedef struct win {
  win_entry *ring; /* ring buffer, capacity `cap` (a power of two) */
  size_t head, n, cap;
  uint64_t used; /* tokens admitted in (t - W, t] */
  uint64_t cap_tokens; /* C: token capacity of the window */
  double w;            /* W: window length, seconds */
} win;

int win_init(win *w, uint64_t cap_tokens, double window_s);
void win_destroy(win *w);
/* Drops admissions that left the window by time t (a.t + W <= t). */
void win_expire(win *w, double t);
/* True iff `tokens` more fit: used + tokens <= C (after win_expire). */
static inline int win_fits(const win *w, uint64_t tokens) {
  return tokens <= w->cap_tokens && w->used <= w->cap_tokens - tokens;
}
/* Records an admission at time t (t never decreases); -1 if out of memory. */
int win_add(win *w, double t, uint64_t tokens);
/* Time at which the oldest entry leaves the window; +inf if empty. */
double win_next_expiry(const win *w);

#endif
