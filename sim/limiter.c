#include "limiter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adapt.h"
#include "dbits.h"
#include "scenario.h"

/* Same kind, same W, same parameters (a limiter cfg is plain data). */
static int same(const lim_grp *g, const scn_lim *l) {
  return g->ops == l->ops && g->w == l->window_s && !memcmp(g->cfg, l->cfg, l->ops->h.cfg_size);
}

static size_t group_of(lim_set *ls, const scn_lim *l) {
  for (size_t k = 0; k < ls->n; k++)
    if (same(&ls->g[k], l))
      return k;
  ls->g[ls->n] = (lim_grp){.ops = l->ops, .cfg = l->cfg, .w = l->window_s};
  return ls->n++;
}

int lim_set_init(lim_set *ls, const scn *s, dev *devs, size_t n,
                 void (*on_drop)(void *ctx, uint32_t i, double t), void *ctx) {
  *ls = (lim_set){0};
  size_t nadapt = 0; /* adapt.h: each adaptive instance is a group of its own */
  for (size_t i = 0; i < s->ndev; i++)
    nadapt += s->dev[i].lim.adapt.has ? s->dev[i].count : 0;
  if (!(ls->g = calloc(s->ndev + nadapt, sizeof *ls->g)))
    return -1;
  size_t *grp_of_entry = malloc(s->ndev * sizeof *grp_of_entry);
  if (!grp_of_entry)
    return -1;
  for (size_t i = 0; i < s->ndev; i++) {
    grp_of_entry[i] = SIZE_MAX;
    if (s->dev[i].lim.adapt.has)
      continue;
    grp_of_entry[i] = group_of(ls, &s->dev[i].lim);
    ls->g[grp_of_entry[i]].nmem += s->dev[i].count;
  }
  for (size_t i = 0; i < n; i++) /* in instance order, after the shared groups */
    if (grp_of_entry[devs[i].spec] == SIZE_MAX) {
      const scn_lim *l = &s->dev[devs[i].spec].lim;
      ls->g[ls->n++] =
          (lim_grp){.ops = &lim_adaptive_window, .cfg = l, .w = l->window_s, .nmem = 1};
    }
  int rc = 0;
  for (size_t k = 0; k < ls->n && !rc; k++) {
    lim_grp *g = &ls->g[k];
    g->members = malloc(g->nmem * sizeof *g->members);
    g->devs = devs, g->on_drop = on_drop, g->ctx = ctx;
    ls->lazy |= g->ops->sync != NULL;
    rc = g->members ? 0 : -1;
    g->nmem = 0;
  }
  for (size_t i = 0, a = ls->n - nadapt; i < n && !rc; i++) {
    size_t e = grp_of_entry[devs[i].spec];
    lim_grp *g = &ls->g[e == SIZE_MAX ? a++ : e];
    devs[i].grp = (uint32_t)(g - ls->g);
    g->members[g->nmem++] = (uint32_t)i;
  }
  free(grp_of_entry);
  for (size_t k = 0; k < ls->n && !rc; k++) {
    lim_grp *g = &ls->g[k];
    if (g->ops->state_size && !(g->st = calloc(1, g->ops->state_size)))
      rc = -1;
    else if (g->ops->init && g->ops->init(g))
      rc = -1;
  }
  return rc;
}

void lim_set_destroy(lim_set *ls) {
  for (size_t k = 0; ls->g && k < ls->n; k++) {
    lim_grp *g = &ls->g[k];
    if (g->ops->destroy)
      g->ops->destroy(g);
    free(g->st);
    free(g->members);
  }
  free(ls->g);
  *ls = (lim_set){0};
}

void *lim_per_device(const lim_grp *g, size_t size) {
  size_t n = g->nmem ? g->members[g->nmem - 1] + 1 : 1; /* members in index order */
  return calloc(n, size);
}

int lim_times_init(lim_grp *g) {
  lim_times *s = g->st;
  return (s->t = lim_per_device(g, sizeof *s->t)) ? 0 : -1;
}

void lim_times_destroy(lim_grp *g) {
  lim_times *s = g->st;
  if (s)
    free(s->t);
}

double lim_least_pass(const lim_grp *g, uint32_t i, uint64_t k, double t, double est,
                      lim_pass_fn pass) {
  const uint64_t inf = dbits_of(INFINITY);
  if (pass(g, i, k, t))
    return t;
  uint64_t lo = dbits_of(t), hi, e = est > t && est <= INFINITY ? dbits_of(est) : lo;
  if (e > lo && pass(g, i, k, dbits_to(e))) { /* e passes: down from it by doubling steps */
    hi = e;
    for (uint64_t s = 1; hi - lo > s; s *= 2) {
      if (!pass(g, i, k, dbits_to(hi - s))) {
        lo = hi - s;
        break;
      }
      hi -= s;
    }
  } else { /* e fails: the first passing above it */
    lo = e;
    for (uint64_t s = 1;; s *= 2) {
      hi = inf - lo > s ? lo + s : inf;
      if (pass(g, i, k, dbits_to(hi)))
        break;
      if (hi == inf)
        return INFINITY;
      lo = hi;
    }
  }
  while (hi - lo > 1) { /* lo fails, hi passes */
    uint64_t m = lo + (hi - lo) / 2;
    if (pass(g, i, k, dbits_to(m)))
      hi = m;
    else
      lo = m;
  }
  return dbits_to(hi);
}

int lim_keyed_passes(const lim_grp *g, uint32_t i, uint64_t k, double t) {
  uint64_t cap = g->devs[i].cap_tokens;
  return g->ops->used_at(g, cap, g->ops->key(g, i), t) + k <= cap;
}
