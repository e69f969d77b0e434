/* wl_poisson.c: a homogeneous Poisson process, exponential gaps at
 * rate_per_s. */
#include <gsl/gsl_randist.h>

#include "kinds.h"

typedef struct cfg {
  wl_tokens tok; /* first: WL_TOKEN_KEYS */
  double rate_per_s;
} cfg;

static const key_row KEYS[] = {KEY_NUM("rate_per_s", offsetof(cfg, rate_per_s), 0, 1e9,
                                       K_REQ | K_LOX, NULL, "arrival rate, requests per second"),
                               WL_TOKEN_KEYS, KEY_END};

static double expected(const void *p, double duration_s) {
  return ((const cfg *)p)->rate_per_s * duration_s;
}

static int validate(kctx *c, const scn *s, void *p) {
  return scn_check_requests(c, "workload.rate_per_s", expected(p, s->duration_s), s->duration_s);
}

typedef struct state {
  double mean_gap; /* 1 / rate_per_s, divided once */
} state;

static int init(wl *w) {
  ((state *)w->st)->mean_gap = 1.0 / ((const cfg *)w->cfg)->rate_per_s;
  return 0;
}

static double next(wl *w, wl_arrival *a) {
  const cfg *k = w->cfg;
  wl_draw_tokens(w, &k->tok, a);
  return w->t + rng_exponential(w->r, ((const state *)w->st)->mean_gap);
}

const wl_ops wl_poisson = {
    .h = {"poisson", "Poisson arrivals at rate_per_s", KEYS, sizeof(cfg), NULL, wl_tokens_free},
    .validate = validate,
    .classes = wl_tokens_classes,
    .expected = expected,
    .state_size = sizeof(state),
    .init = init,
    .next = next,
};
