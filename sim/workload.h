/* workload.h: arrival processes, one row of wl_ops per workload kind.
 *
 * A workload yields arrivals in non-decreasing time order, each with its
 * prompt and output tokens. Each kind is one row (sim/kinds/wl_*.c): its
 * name and keys (the binder fills its cfg from the scenario's "workload"
 * object), rules that need the whole scenario, and the hooks that generate
 * arrivals. The registry (sim/kinds/registry.c) lists the rows; nothing else
 * knows a kind's name.
 *
 * Randomness: times come from the RNG_WORKLOAD stream (w->r), token sizes
 * from RNG_TOKENS (w->tr), so a kind that changes how times are drawn never
 * shifts token sizes. Arrivals at or after duration_s are not generated.
 * The wl owns its generators and the kind's run state (w->st); wl_destroy()
 * frees them.
 */
#ifndef ES_WORKLOAD_H
#define ES_WORKLOAD_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

#include "keys.h"
#include "scenario.h"

/* The request of one arrival. */
typedef struct wl_arrival {
  uint64_t prompt, tokens; /* prompt and output tokens */
  uint32_t cls;            /* service class: index of `tokens` among the kind's token values */
  double d;                /* difficulty from a trace's column (difficulty.column), else unset */
} wl_arrival;

typedef struct wl wl;

typedef struct wl_ops {
  kind_hdr h; /* name, help, keys, cfg */
  /* Rules that need the whole scenario (duration_s, the scenario's folder),
   * after every key is bound; NULL if none. */
  int (*validate)(kctx *c, const scn *s, void *cfg);
  /* Number of distinct output-token values (service classes); 0 if
   * unbounded (a trace). */
  size_t (*classes)(const void *cfg);
  /* Its own time-series step (steps: step_s); 0 if none. */
  double (*step_s)(const void *cfg);
  /* An upper bound on the expected number of arrivals in duration_s (the
   * run-length limit, SCN_MAX_REQUESTS). */
  double (*expected)(const void *cfg, double duration_s);
  size_t state_size; /* bytes of run state, zeroed before init */
  /* Prepares a run (w->st zeroed); 0, or -1 with w->err set or out of memory. */
  int (*init)(wl *w);
  /* The next arrival's time (non-decreasing; >= duration_s or +inf: no more),
   * its request in *a. A failure mid-run sets w->err and returns +inf. */
  double (*next)(wl *w, wl_arrival *a);
  void (*destroy)(wl *w); /* frees what init took; NULL if nothing */
} wl_ops;

struct wl {
  const wl_ops *ops;
  const void *cfg; /* the kind's parameters (scenario-owned) */
  const scn *s;
  gsl_rng *r;   /* RNG_WORKLOAD: activity and arrival times */
  gsl_rng *tr;  /* RNG_TOKENS: prompt and output sizes */
  void *st;     /* the kind's run state */
  wl_arrival a; /* the last arrival's request */
  double t;     /* the last arrival's time */
  int done;
  es_err err; /* set if the input failed mid-run (err.code != 0) */
};

/* 0 on success, -1 if out of memory or the kind's init failed (then
 * w->err says why when it is not memory). */
int wl_init(wl *w, const scn *s, uint64_t seed);
void wl_destroy(wl *w);

/* Time of the next arrival (non-decreasing), its request in w->a; +inf when
 * there are no more. */
static inline double wl_next(wl *w) {
  if (w->done)
    return INFINITY;
  double t = w->ops->next(w, &w->a);
  if (t >= w->s->duration_s)
    return w->done = 1, INFINITY;
  return w->t = t;
}

/* ---- helpers for kinds ------------------------------------------------------ */

/* Token sizes of synthetic kinds: the first member of their cfg, bound by
 * WL_TOKEN_KEYS. */
typedef struct wl_tokens {
  dist prompt, tokens;
} wl_tokens;

#define WL_TOKEN_KEYS                                                                              \
  KEY_DIST("prompt_tokens", offsetof(wl_tokens, prompt), 0, "48",                                  \
           "prompt tokens per request: integer or {values, weights}"),                             \
      KEY_DIST("tokens", offsetof(wl_tokens, tokens), K_REQ, NULL,                                 \
               "output tokens per request: integer or {values, weights}")

void wl_tokens_free(void *cfg); /* a kind_hdr.cfg_free for cfgs starting with wl_tokens */
size_t wl_tokens_classes(const void *cfg);

/* Draws one request's prompt, then output tokens (RNG_TOKENS). */
static inline void wl_draw_tokens(wl *w, const wl_tokens *k, wl_arrival *a) {
  a->prompt = dist_draw(&k->prompt, w->tr);
  size_t i = dist_draw_index(&k->tokens, w->tr);
  a->cls = (uint32_t)i;
  a->tokens = k->tokens.values[i];
}

#endif
