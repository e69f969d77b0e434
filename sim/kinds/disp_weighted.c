/* disp_weighted.c: one device with probability proportional to its token
 * capacity C (GSL alias table, O(1) per pick), one attempt. With
 * dispatch.attempts = k > 1, the next attempts draw without replacement:
 * each untried device with probability proportional to its C among the
 * untried, through a Fenwick tree of capacities from which tried devices
 * are taken out for the request and put back after it, O(k log D). */
#include <gsl/gsl_randist.h>
#include <stdlib.h>

#include "kinds.h"

typedef struct state {
  rng_alias *by_capacity; /* P(i) proportional to C_i */
  uint64_t *fen;          /* attempts > 1: Fenwick tree of C, 1-based, n + 1 */
  uint64_t total;         /* sum of C in fen */
  uint32_t *tried;        /* attempts > 1: this request's devices, in order */
  size_t top;             /* the largest power of two <= n */
} state;

static void fen_add(state *st, size_t n, size_t i, uint64_t v, int sign) {
  for (size_t k = i + 1; k <= n; k += k & (~k + 1))
    st->fen[k] = sign > 0 ? st->fen[k] + v : st->fen[k] - v;
  st->total = sign > 0 ? st->total + v : st->total - v;
}

/* The device whose capacity interval holds x (< total): the smallest i
 * with C_0 + ... + C_i > x. */
static size_t fen_find(const state *st, size_t n, uint64_t x) {
  size_t pos = 0;
  for (size_t step = st->top; step; step >>= 1)
    if (pos + step <= n && st->fen[pos + step] <= x)
      pos += step, x -= st->fen[pos];
  return pos; /* 0-based index of the device */
}

static int init_fenwick(disp *d, state *st) {
  st->fen = calloc(d->n + 1, sizeof *st->fen);
  st->tried = malloc(d->attempts * sizeof *st->tried);
  if (!st->fen || !st->tried)
    return -1;
  for (size_t i = 0; i < d->n; i++)
    fen_add(st, d->n, i, d->devs[i].cap_tokens, 1);
  for (st->top = 1; st->top * 2 <= d->n; st->top *= 2)
    ;
  return 0;
}

static int init(disp *d) {
  state *st = d->st;
  double *w = malloc(d->n * sizeof *w);
  if (!w)
    return -1;
  for (size_t i = 0; i < d->n; i++)
    w[i] = (double)d->devs[i].cap_tokens;
  st->by_capacity = rng_alias_new(d->n, w);
  free(w);
  if (!st->by_capacity)
    return -1;
  return d->attempts > 1 ? init_fenwick(d, st) : 0;
}

static void destroy(disp *d) {
  state *st = d->st;
  if (st->by_capacity)
    rng_alias_free(st->by_capacity);
  free(st->fen);
  free(st->tried);
}

/* Attempts after the first: draws among the untried by C, puts them back. */
static long pick_more(disp *d, state *st, size_t first, uint64_t tok, double t) {
  size_t i = first, k = 0, last = d->attempts < d->n ? d->attempts : d->n;
  for (;;) {
    st->tried[k++] = (uint32_t)i;
    if (k >= last || disp_admits(d, i, tok, t))
      break;
    fen_add(st, d->n, i, d->devs[i].cap_tokens, -1);
    uint64_t x = (uint64_t)(rng_u01(d->r) * (double)st->total);
    i = fen_find(st, d->n, x < st->total ? x : st->total - 1);
  }
  for (size_t j = 0; j + 1 < k; j++) /* the last one was never taken out */
    fen_add(st, d->n, st->tried[j], d->devs[st->tried[j]].cap_tokens, 1);
  return (long)i;
}

static long pick(disp *d, uint64_t tok, double t) {
  state *st = d->st;
  size_t i = rng_alias_draw(d->r, st->by_capacity);
  return d->attempts == 1 ? (long)i : pick_more(d, st, i, tok, t);
}

const disp_ops disp_weighted = {
    .h = {"weighted",
          "one device with probability proportional to C (attempts > 1: without replacement)", NULL,
          0, NULL, NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .state_size = sizeof(state),
};
