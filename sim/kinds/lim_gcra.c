/* lim_gcra.c: the generic cell rate algorithm (virtual scheduling), one
 * theoretical arrival time TAT per device (0 at the start), emission
 * interval T = W / C per token and tolerance tau = W. A request of k tokens
 * at t conforms iff max(TAT, t) + k T - t <= tau; it then sets
 * TAT = max(TAT, t) + k T.
 *
 * Equivalence with token_bucket: with F = TAT, the bucket's deficit is
 * x = max(0, TAT - t) C / W, and x + k <= C iff max(TAT, t) + k T - t <= W:
 * the same admissions, the same state, in exact arithmetic. The row
 * publishes `used` as GCRA sees it, C minus the cells that would conform
 * now (the slack):
 *   used(t) = TAT <= t ? 0 : C - clamp(floor((W - (TAT - t)) / T), 0, C)
 * computed in IEEE double (T = W / C rounded once), so used + k <= C iff k
 * cells conform. That equals token_bucket's ceil((TAT - t) C / W) whenever
 * the doubles are exact (W and T dyadic, times on a dyadic grid: the test
 * checks identical admissions there); elsewhere the two roundings may
 * differ by one token at a boundary met within an ulp.
 * TAT changes only at admissions and used(t) is nondecreasing in TAT, so
 * TAT is the load_aware index's order key. O(1) per sync and admission.
 * A queue head of k cells is ready at TAT - W + k T (the time it conforms). */
#include "kinds.h"

#include <stdlib.h>

static uint64_t used_at(const lim_grp *g, uint64_t cap, double tat, double t) {
  if (tat <= t)
    return 0;
  double slack = floor((g->w - (tat - t)) / (g->w / (double)cap));
  if (slack <= 0)
    return cap;
  return slack >= (double)cap ? 0 : cap - (uint64_t)slack;
}

static void sync(lim_grp *g, uint32_t i, double t) {
  dev *d = &g->devs[i];
  d->used = used_at(g, d->cap_tokens, lim_times_key(g, i), t);
}

static int admit(lim_grp *g, uint32_t i, uint64_t tok, double t) {
  lim_times *s = g->st;
  dev *d = &g->devs[i];
  double tat = s->t[i] > t ? s->t[i] : t;
  s->t[i] = tat + (double)tok * (g->w / (double)d->cap_tokens);
  d->used = used_at(g, d->cap_tokens, s->t[i], t);
  return 0;
}

static double ready_at(const lim_grp *g, uint32_t i, uint64_t k, double t) {
  uint64_t cap = g->devs[i].cap_tokens;
  if (k > cap)
    return INFINITY;
  double est = lim_times_key(g, i) - g->w + (double)k * (g->w / (double)cap);
  return lim_least_pass(g, i, k, t, est, lim_keyed_passes);
}

const lim_ops lim_gcra = {
    .h = {"gcra",
          "generic cell rate algorithm: TAT per device, T = W / C per token, tolerance W "
          "(token_bucket's admissions)",
          NULL, 0, NULL, NULL},
    .init = lim_times_init,
    .destroy = lim_times_destroy,
    .sync = sync,
    .admit = admit,
    .key = lim_times_key,
    .used_at = used_at,
    .ready_at = ready_at,
    .state_size = sizeof(lim_times),
};
