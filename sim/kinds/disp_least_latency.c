/* disp_least_latency.c: the smallest expected completion time for this
 * request. Among devices with a free slot (inflight < P), the one whose
 * device entry gives the smallest ttft_s + tok / tgs (ties: the larger free
 * fraction (C - used) / C, then the lowest index), one attempt; -1 (no
 * device) when no device has a free slot. With dispatch.attempts = k, the
 * next candidates in the same order, up to k distinct devices, the first
 * that admits, else the last one tried.
 *
 * Index: one class per device entry (its instances share C, P, ttft_s and
 * tgs, so they tie on the service time), keyed `used` when the device has a
 * free slot, else PT_NONE (pick_tree.h): a class root is the entry's best
 * device. A decision computes the K entries' service times for this
 * request's tokens and compares the K roots, O(K + log D). Needs the
 * scenario (d->s) for the entries. Limitation: as least_outstanding's, a
 * lazy limiter kind's `used` is seen as of each device's last hook in the
 * free-fraction tie-break; the slot test and the service times are exact.
 */
#include "kinds.h"
#include "pick_tree.h"

typedef struct state {
  ptree x;
  const scn_device **entry; /* per class: its device entry (ttft_s, tgs) */
  uint64_t *cap;            /* per class: C of its devices */
  uint32_t *tried;          /* attempts > 1: this request's devices */
} state;

static uint64_t key_of(const dev *v) { return v->inflight < v->max_par ? v->used : PT_NONE; }

static int init(disp *d) {
  state *st = d->st;
  if (!d->s)
    return -1; /* needs the device entries: disp_init_run() or disp_init_with() */
  uint64_t *cls = malloc((d->n ? d->n : 1) * sizeof *cls);
  uint64_t *key = malloc((d->n ? d->n : 1) * sizeof *key);
  int rc = cls && key ? 0 : -1;
  for (size_t i = 0; !rc && i < d->n; i++)
    cls[i] = d->devs[i].spec, key[i] = key_of(&d->devs[i]);
  if (!rc)
    rc = pt_init(&st->x, d->n, cls, key);
  free(cls);
  free(key);
  size_t nc = st->x.ncls ? st->x.ncls : 1;
  if (!rc &&
      (!(st->entry = malloc(nc * sizeof *st->entry)) || !(st->cap = malloc(nc * sizeof *st->cap))))
    rc = -1;
  for (size_t k = 0; !rc && k < st->x.ncls; k++) {
    const dev *v = &d->devs[st->x.cls[k].members[0]];
    st->entry[k] = &d->s->dev[v->spec];
    st->cap[k] = v->cap_tokens;
  }
  if (!rc && d->attempts > 1 && !(st->tried = malloc(d->attempts * sizeof *st->tried)))
    rc = -1;
  return rc;
}

static void destroy(disp *d) {
  state *st = d->st;
  pt_destroy(&st->x);
  free(st->entry);
  free(st->cap);
  free(st->tried);
}

/* The best class root for tok tokens (each names its device,
 * pt_best_dev), or -1 if no candidate is left. Reads no device. */
static long best(const state *st, uint64_t tok) {
  const ptree *x = &st->x;
  long b = -1;
  double b_s = 0, b_f = 0;
  for (size_t k = 0; k < x->ncls; k++) {
    uint64_t used = pt_root(x, k);
    if (used == PT_NONE)
      continue;
    const scn_device *e = st->entry[k];
    double s = e->ttft_s + (double)tok / e->tgs;
    double f = (double)(st->cap[k] - used) / (double)st->cap[k]; /* as dev_free_frac() */
    long dv = pt_best_dev(x, k);
    if (b < 0 || s < b_s || (s == b_s && (f > b_f || (f == b_f && dv < b))))
      b = dv, b_s = s, b_f = f;
  }
  return b;
}

static long pick(disp *d, uint64_t tok, double t) {
  state *st = d->st;
  long i = best(st, tok);
  if (d->attempts == 1 || i < 0)
    return i;
  size_t k = 0;
  for (;;) {
    st->tried[k++] = (uint32_t)i;
    if (k >= d->attempts || disp_admits(d, (size_t)i, tok, t))
      break;
    pt_set(&st->x, (size_t)i, PT_NONE);
    long next = best(st, tok);
    if (next < 0)
      break; /* no other device has a free slot: i was the last tried */
    i = next;
  }
  for (size_t j = 0; j < k; j++) /* the last may still be in: then a no-op */
    pt_set(&st->x, st->tried[j], key_of(&d->devs[st->tried[j]]));
  return i;
}

static void changed(disp *d, size_t i) { pt_set(&((state *)d->st)->x, i, key_of(&d->devs[i])); }

const disp_ops disp_least_latency = {
    .h = {"least_latency",
          "of the devices with a free slot, the one whose ttft_s + tokens / tgs is smallest", NULL,
          0, NULL, NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .admitted = changed,
    .expired = changed,
    .completed = changed,
    .state_size = sizeof(state),
};
