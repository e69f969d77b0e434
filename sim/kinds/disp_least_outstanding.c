/* disp_least_outstanding.c: join the shortest queue. The device with the
 * fewest requests in flight (ties: the larger free fraction (C - used) / C,
 * then the lowest index), one attempt; with dispatch.attempts = k the next
 * candidates in the same order, up to k distinct devices, the first that
 * admits, else the last one tried.
 *
 * Index: devices of equal C form a class (pick_tree.h), keyed
 * inflight << 32 | used (inflight <= 10^6, used <= C < 2^32), so a class
 * root is its best member: among equal C, less used is a larger free
 * fraction. A decision compares the K class roots, O(K + log D); a tried
 * device is taken out (PT_NONE) for the rest of the request and put back
 * after it, O(k log D) in all. The keys change only through the hooks
 * (admitted, expired, completed). Limitation: a lazy limiter kind lowers
 * `used` between hooks, so with one the free-fraction tie-break reads each
 * device's `used` as of its last hook; the in-flight order is always exact.
 */
#include "kinds.h"
#include "pick_tree.h"

typedef struct state {
  ptree x;
  uint64_t *cap;   /* per class: its C */
  uint32_t *tried; /* attempts > 1: this request's devices */
} state;

static uint64_t key_of(const dev *v) { return (uint64_t)v->inflight << 32 | v->used; }

static int init(disp *d) {
  state *st = d->st;
  uint64_t *cls = malloc((d->n ? d->n : 1) * sizeof *cls);
  uint64_t *key = malloc((d->n ? d->n : 1) * sizeof *key);
  int rc = cls && key ? 0 : -1;
  for (size_t i = 0; !rc && i < d->n; i++)
    cls[i] = d->devs[i].cap_tokens, key[i] = key_of(&d->devs[i]);
  if (!rc)
    rc = pt_init(&st->x, d->n, cls, key);
  free(cls);
  free(key);
  if (!rc && !(st->cap = malloc((st->x.ncls ? st->x.ncls : 1) * sizeof *st->cap)))
    rc = -1;
  for (size_t k = 0; !rc && k < st->x.ncls; k++)
    st->cap[k] = d->devs[st->x.cls[k].members[0]].cap_tokens;
  if (!rc && d->attempts > 1 && !(st->tried = malloc(d->attempts * sizeof *st->tried)))
    rc = -1;
  return rc;
}

static void destroy(disp *d) {
  state *st = d->st;
  pt_destroy(&st->x);
  free(st->cap);
  free(st->tried);
}

/* The best class root (each names its device, pt_best_dev), or -1 when
 * every device is taken out. Reads no device. */
static long best(const state *st) {
  const ptree *x = &st->x;
  long b = -1;
  uint64_t b_in = 0;
  double b_f = 0;
  for (size_t k = 0; k < x->ncls; k++) {
    uint64_t key = pt_root(x, k);
    if (key == PT_NONE)
      continue;
    uint64_t in = key >> 32, used = key & UINT32_MAX, c = st->cap[k];
    double f = (double)(c - used) / (double)c; /* as dev_free_frac() */
    long dv = pt_best_dev(x, k);
    if (b < 0 || in < b_in || (in == b_in && (f > b_f || (f == b_f && dv < b))))
      b = dv, b_in = in, b_f = f;
  }
  return b;
}

static long pick(disp *d, uint64_t tok, double t) {
  state *st = d->st;
  long i = best(st);
  if (d->attempts == 1 || i < 0)
    return i;
  size_t k = 0, last = d->attempts < d->n ? d->attempts : d->n;
  for (;;) {
    st->tried[k++] = (uint32_t)i;
    if (k >= last || disp_admits(d, (size_t)i, tok, t))
      break;
    pt_set(&st->x, (size_t)i, PT_NONE);
    i = best(st); /* never -1: the last device is never taken out */
  }
  for (size_t j = 0; j + 1 < k; j++)
    pt_set(&st->x, st->tried[j], key_of(&d->devs[st->tried[j]]));
  return i;
}

static void changed(disp *d, size_t i) { pt_set(&((state *)d->st)->x, i, key_of(&d->devs[i])); }

const disp_ops disp_least_outstanding = {
    .h = {"least_outstanding",
          "the device with the fewest requests in flight (ties: larger free fraction)", NULL, 0,
          NULL, NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .admitted = changed,
    .expired = changed,
    .completed = changed,
    .state_size = sizeof(state),
};
