/* window.h: the sliding-window token limiter, one exact log for the cluster.
 *
 * Every device of a limiter group has the same window length W (limiter.h
 * groups devices by kind and W), so admissions leave their windows in the
 * order they were admitted, whichever device took them. One ring of (admission time + W,
 * device, tokens) in admission order is therefore the window log of every
 * device at once; each device keeps only `used`, the sum of its entries
 * (device.h).
 *
 * Invariant: once every entry due by t has been popped (win_pop_due() until
 * it returns 0) and its tokens subtracted from its device's `used`, the log
 * holds exactly the admissions a with a.t in (t - W, t], oldest first. An
 * admission at a counts until just before a + W: it is due when
 * a.t + W <= t. Every entry holds at least one token, so the log never holds
 * more than the sum of C over the devices: memory is bounded by the
 * capacities, not by the number of requests. The ring grows by doubling and
 * then stays; nothing is allocated per admission in steady state. The log
 * owns its ring buffer.
 */
#ifndef ES_WINDOW_H
#define ES_WINDOW_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* The most admissions one log holds at once: 2^26 entries of 16 bytes,
 * 1 GiB. The log holds the admissions inside one window, at most the sum of
 * its devices' C (each has >= 1 token); a run whose group admits more than
 * this inside one window stops with a runtime error (win_full) rather than
 * growing without bound. */
#define WIN_MAX_ENTRIES ((size_t)1 << 26)

typedef struct win_entry {
  double t_out;    /* admission time + W, seconds: due once t_out <= t */
  uint32_t dev;    /* device index */
  uint32_t tokens; /* output tokens admitted (<= 1e9, the scenario bound) */
} win_entry;

typedef struct win {
  win_entry *ring; /* ring buffer, capacity `cap` (a power of two) */
  size_t head, n, cap;
  double w;   /* W: window length, seconds */
  size_t max; /* the bound on n: WIN_MAX_ENTRIES (tests may lower it) */
} win;

int win_init(win *l, double window_s);
void win_destroy(win *l);
/* Records an admission of `tokens` by device `dev` at time t (t never
 * decreases); -1 if out of memory or at WIN_MAX_ENTRIES (the log is
 * unchanged; win_full() tells which). */
int win_grow(win *l); /* doubles the ring: 0, or -1 if out of memory or n >= max */
static inline int win_add(win *l, double t, uint32_t dev, uint64_t tokens) {
  if (tokens > UINT32_MAX) /* not reachable: tokens <= 1e9 by validation */
    return -1;
  if (__builtin_expect(l->n == l->cap || l->n >= l->max, 0) && win_grow(l)) /* -1 at max */
    return -1;
  l->ring[(l->head + l->n) & (l->cap - 1)] = (win_entry){t + l->w, dev, (uint32_t)tokens};
  l->n++;
  return 0;
}
/* Pops the oldest entry into *e if it left the window by t (t_out <= t) and
 * returns 1; otherwise returns 0. The caller subtracts e->tokens from the
 * device's `used`. */
static inline int win_pop_due(win *l, double t, win_entry *e) {
  if (!l->n || l->ring[l->head].t_out > t)
    return 0;
  *e = l->ring[l->head];
  l->head = (l->head + 1) & (l->cap - 1);
  l->n--;
  return 1;
}
/* Whether the log holds its bound of admissions. */
static inline int win_full(const win *l) { return l->n >= l->max; }

/* Time at which the oldest entry leaves the window; +inf if empty. */
static inline double win_next_expiry(const win *l) {
  return l->n ? l->ring[l->head].t_out : INFINITY;
}

#endif
