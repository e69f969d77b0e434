/* disp_power_of_d.c: the power of d choices (Mitzenmacher). A round
 * samples dispatch.d distinct devices uniformly and takes, among those that
 * admit, the one with the largest free fraction (C - used) / C (ties: the
 * lowest index). If none admits, the next round (up to dispatch.attempts
 * rounds) samples d more devices distinct from every device sampled for
 * this request (fewer when fewer remain). If no round finds one, the
 * request is rejected on the last round's device of largest free fraction
 * (ties: lowest index), the one the rule prefers when admission is set
 * aside. O(d k) per request, each sampled device tested once. */
#include "kinds.h"
#include "pick_sample.h"

typedef struct cfg {
  uint64_t d; /* devices per round, in [1, number of devices] */
} cfg;

typedef struct state {
  uint32_t *perm; /* the sampling permutation (pick_sample.h) */
} state;

static const key_row KEYS[] = {KEY_INT("d", offsetof(cfg, d), 1, SCN_MAX_DEVICES, 0, "2",
                                       "devices sampled per round (<= number of devices)"),
                               KEY_END};

static int validate(kctx *c, const scn *s, const void *p) {
  const cfg *k = p;
  if (k->d > s->ninst)
    return key_fail(c, "dispatch.d", "must be <= the number of device instances (%zu), got %llu",
                    s->ninst, (unsigned long long)k->d);
  return 0;
}

static int init(disp *d) {
  state *st = d->st;
  return (st->perm = sample_perm_new(d->n)) ? 0 : -1;
}

static void destroy(disp *d) { free(((state *)d->st)->perm); }

/* Is (f, i) better than (bf, b): larger fraction, then lower index? */
static int better(double f, size_t i, double bf, long b) {
  return b < 0 || f > bf || (f == bf && (long)i < b);
}

static long pick(disp *d, uint64_t tok, double t) {
  state *st = d->st;
  size_t per = (size_t)((const cfg *)d->cfg)->d, drawn = 0;
  long fallback = -1;
  for (uint32_t a = 0; a < d->attempts && drawn < d->n; a++) {
    long best = -1, top = -1;
    double best_f = 0, top_f = 0;
    for (size_t j = 0; j < per && drawn < d->n; j++) {
      size_t i = sample_draw(st->perm, d->n, drawn++, d->r);
      int ok = disp_admits(d, i, tok, t); /* syncs `used` first */
      double f = dev_free_frac(&d->devs[i]);
      if (better(f, i, top_f, top))
        top = (long)i, top_f = f;
      if (ok && better(f, i, best_f, best))
        best = (long)i, best_f = f;
    }
    if (best >= 0)
      return best;
    fallback = top;
  }
  return fallback;
}

const disp_ops disp_power_of_d = {
    .h =
        {"power_of_d",
         "of d devices sampled uniformly, the one that admits with the largest free fraction (attempts: rounds)",
         KEYS, sizeof(cfg), NULL, NULL},
    .init = init,
    .destroy = destroy,
    .pick = pick,
    .state_size = sizeof(state),
    .validate = validate,
};
