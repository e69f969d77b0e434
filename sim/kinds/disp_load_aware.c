/* disp_load_aware.c: among the devices that admit, the one with the largest
 * free fraction (C - used) / C, ties to the lowest index; -1 if none
 * admits, every device's limiter brought to t. O(K + log D) per decision
 * through the class index (loadidx.h; O(members) for the classes of a lazy
 * kind without an order key, sliding_counter);
 * disp_load_aware_scan() is the reference it is tested against. */
#include "kinds.h"
#include "loadidx.h"

long disp_load_aware_scan(const dev *devs, size_t n, uint64_t tok) {
  long best = -1;
  double best_frac = -1;
  for (size_t i = 0; i < n; i++) {
    if (!dev_admits(&devs[i], tok))
      continue;
    double f = dev_free_frac(&devs[i]);
    if (f > best_frac) /* strict: ties keep the lowest index */
      best = (long)i, best_frac = f;
  }
  return best;
}

static int init(disp *d) { return lix_init(d->st, d->devs, d->n, d->lims); }
static void destroy(disp *d) { lix_destroy(d->st); }

static long pick(disp *d, uint64_t tok, double t) { return lix_pick(d->st, tok, t); }
static void changed(disp *d, size_t i) { lix_changed(d->st, i); }
static void completed(disp *d, size_t i) { lix_completed(d->st, i); }
static void changed_uncounted(disp *d, size_t i) { lix_changed_uncounted(d->st, i); }
static void completed_uncounted(disp *d, size_t i) { lix_completed_uncounted(d->st, i); }

/* The reference: every device synced to t, then the plain scan. */
static long pick_scan(disp *d, uint64_t tok, double t) {
  if (d->lims && d->lims->lazy)
    for (size_t i = 0; i < d->n; i++)
      lim_sync(&d->lims->g[d->devs[i].grp], (uint32_t)i, t);
  return disp_load_aware_scan(d->devs, d->n, tok);
}

#define HELP "the device with the largest free fraction (C - used) / C that admits"

const disp_ops disp_load_aware = {
    .h = {"load_aware", HELP, NULL, 0, NULL, NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .admitted = changed,
    .expired = changed,
    .completed = completed,
    .state_size = sizeof(lix),
};

/* The same for runs without queues (disp_without_queues, loadidx.h's
 * lix_uncount; not registered). */
const disp_ops disp_load_aware_uncounted = {
    .h = {"load_aware", HELP, NULL, 0, NULL, NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .admitted = changed_uncounted,
    .expired = changed_uncounted,
    .completed = completed_uncounted,
    .state_size = sizeof(lix),
};

/* The same rule by the plain scan (tests and benchmarks; not registered). */
const disp_ops disp_load_aware_by_scan = {
    .h = {"load_aware", HELP, NULL, 0, NULL, NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick_scan,
    .state_size = sizeof(lix),
};
