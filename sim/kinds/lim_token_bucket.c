/* lim_token_bucket.c: a bucket of C tokens per device, full at t = 0,
 * refilled continuously at C / W tokens per second; a request of k tokens
 * is admitted iff the bucket holds at least k, which it then takes.
 *
 * State: one double per device, F, the time the bucket would be full again
 * if nothing were taken (F <= t: full). The bucket's deficit at t is
 * x(t) = max(0, F - t) * C / W tokens and `used` = ceil(x(t)). Arithmetic,
 * exactly as computed (IEEE double, round to nearest):
 *   used(t) = F <= t ? 0 : min(C, ceil(((F - t) * C) / W))
 *   admitting k at t: F = max(F, t) + (k * W) / C
 * so a refill that lands on an integer (F - t, C, W small dyadic numbers,
 * or products that happen to be exact) gives that integer, not one more.
 * F changes only at admissions and used(t) is nondecreasing in F, so F is
 * the load_aware index's order key (loadidx.h). O(1) per sync and per
 * admission; advance does nothing (the kind is lazy). A queue head of k
 * tokens is ready when the deficit falls to C - k: at F - (C - k) W / C. */
#include "kinds.h"

#include <stdlib.h>

static uint64_t used_at(const lim_grp *g, uint64_t cap, double f, double t) {
  if (f <= t)
    return 0;
  double x = ceil((f - t) * (double)cap / g->w);
  return x >= (double)cap ? cap : (uint64_t)x;
}

static void sync(lim_grp *g, uint32_t i, double t) {
  dev *d = &g->devs[i];
  d->used = used_at(g, d->cap_tokens, lim_times_key(g, i), t);
}

static int admit(lim_grp *g, uint32_t i, uint64_t tok, double t) {
  lim_times *s = g->st;
  dev *d = &g->devs[i];
  double f = s->t[i] > t ? s->t[i] : t;
  s->t[i] = f + (double)tok * g->w / (double)d->cap_tokens;
  d->used = used_at(g, d->cap_tokens, s->t[i], t);
  return 0;
}

static double ready_at(const lim_grp *g, uint32_t i, uint64_t k, double t) {
  uint64_t cap = g->devs[i].cap_tokens;
  if (k > cap)
    return INFINITY;
  double est = lim_times_key(g, i) - (double)(cap - k) * g->w / (double)cap;
  return lim_least_pass(g, i, k, t, est, lim_keyed_passes);
}

const lim_ops lim_token_bucket = {
    .h = {"token_bucket",
          "a bucket of C tokens, full at t = 0, refilled at C / W per second; admits k iff it "
          "holds k",
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
