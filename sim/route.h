/* route.h: request difficulty, the LMs' accuracy curves, and routing
 * strategies (one const row each, sim/kinds/route_*.c, in ROUTE_REGISTRY).
 *
 * Opt-in: without the top-level `difficulty` key the run does not enter
 * this module (run.rt is NULL) and its output is byte-identical to what it
 * was before it. With it, each arrival draws a difficulty d in [0, 1] from
 * its own stream (RNG_DIFFICULTY), or reads it from the trace's column
 * (`difficulty.column`, a trace workload only), the strategy (`routing.strategy`,
 * default edge_first) decides where it goes, with its own stream
 * (RNG_ROUTE), and the run reports the expected accuracy (the mean of
 * P(correct | d) of the LM that answered) of edge, cloud and all answers.
 *
 * An LM's curve P(correct | d): `accuracy` {"d": [...], "p": [...]} (linear
 * between points, flat beyond the ends) or {"d50": x, "scale": s} (the
 * logistic 1 / (1 + exp((d - d50) / s))); without one, an LM with `quality`
 * Q has the flat curve P = Q.
 *
 * Ownership: the configuration (route_cfg, acc_curve) belongs to the
 * scenario and is freed by route_cfg_free(); the run's state (struct
 * route_run) to the run, from route_setup() to route_teardown(). Nothing is
 * allocated per request.
 */
#ifndef ES_ROUTE_H
#define ES_ROUTE_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "keys.h"
#include "rng.h"

/* A list of numbers given as a JSON array (owned). */
typedef struct numlist {
  double *v;
  size_t n;
} numlist;

/* An optional number: given or not. */
typedef struct optnum {
  double v;
  int given;
} optnum;

enum { ACC_NONE = 0, ACC_FLAT, ACC_POINTS, ACC_LOGISTIC };

typedef struct acc_curve {
  int given;    /* the `accuracy` object was given */
  numlist d, p; /* ACC_POINTS: d strictly increasing in [0, 1], p in [0, 1] */
  optnum d50;   /* ACC_LOGISTIC: 1 / (1 + exp((d - d50) / scale)) */
  double scale; /* > 0; 0: not given */
  int kind;     /* ACC_*, set by route_check_cfg() */
  double flat;  /* ACC_FLAT: the LM's quality */
} acc_curve;

/* P(correct | d) of curve a (kind != ACC_NONE). O(log n) for points. */
double acc_eval(const acc_curve *a, double d);

typedef struct route_ops route_ops;
struct scn;
struct scn_device;
struct run;
struct heap_ev;

typedef struct route_cfg {
  int has_diff;         /* `difficulty` given: the run uses route.c */
  numlist dv, dw, beta; /* difficulty.values, .weights, .beta ([a, b]) */
  char dcol[64];        /* difficulty.column: the trace's column of difficulties; "" */
  rng_alias *dtab;      /* alias table of dw (equal weights when not given) */
  acc_curve cloud_acc;  /* cloud.accuracy */
  const route_ops *ops; /* routing.strategy; edge_first when absent */
  void *cfg;            /* the strategy's parameters, owned */
} route_cfg;

/* A routing strategy: a row of ROUTE_REGISTRY. Both hooks draw only from
 * `r` (stream RNG_ROUTE), and draw the same number of words whatever the
 * outcome, so points of a sweep share their draws. */
struct route_ops {
  kind_hdr h; /* name, help, keys, cfg */
  /* 1: send a request of difficulty d straight to the cloud (the edge never
   * sees it); NULL: never. */
  int (*to_cloud)(const void *cfg, gsl_rng *r, double d);
  /* After the edge admitted the request and its LM answers right with
   * probability p: 1 to escalate to the cloud, else 0; either way *acc =
   * the probability that the edge answer is right given the verdict (it
   * stands when the cloud refuses the escalation). NULL: never escalates
   * (the kept answer is right with probability p). */
  int (*escalate)(const void *cfg, gsl_rng *r, double p, double *acc);
  /* Rules against the loaded scenario (e.g. the cloud's keys); NULL. */
  int (*validate)(kctx *c, const struct scn *s, const void *cfg);
  /* Strategies that choose the LM on the device (model_switch); all NULL
   * otherwise. Run state: setup (0, or -1 if out of memory), teardown. */
  int (*setup)(struct run *u, const void *cfg, void **st);
  void (*teardown)(void *st);
  /* Device i admits a request of difficulty d and `tok` output tokens at
   * t: the numbers it is served with (an entry of devices[].lms, or the
   * entry itself), or NULL: the resident LM is not good enough, the
   * request goes to the cloud (sent up). */
  const struct scn_device *(*serve)(void *st, struct run *u, size_t i, double t, double d,
                                    uint64_t tok);
  /* After device i, picked for a request of difficulty d at t, served,
   * sent up or rejected it. 0, or -1 if out of memory. */
  int (*dispatched)(void *st, struct run *u, size_t i, double t, double d);
  /* Its calendar events (EV_ROUTE). 0, or -1 if out of memory. */
  int (*fire)(void *st, struct run *u, const struct heap_ev *ev);
  /* Results, after route_finish's own. */
  void (*finish)(void *st, struct run *u);
  /* --timeseries columns (NULL: none): the header's ("\tname"...), and
   * each row's values, written when an interval ends (time series are on:
   * u->ts is the stream). */
  void (*ts_header)(void *st, struct run *u);
  void (*ts_row)(void *st, struct run *u);
};

struct wl_arrival;

/* ---- scenario keys ------------------------------------------------------------ */

extern const key_row ROUTE_DIFF_KEYS[];      /* difficulty.* (base: scn) */
extern const key_row ROUTE_DEV_ACC_KEYS[];   /* devices[].accuracy.* (base: scn_device) */
extern const key_row ROUTE_CLOUD_ACC_KEYS[]; /* cloud.accuracy.* (base: scn) */
/* Rules across the keys, once every key is bound (also builds the alias
 * table and each LM's curve kind; sets s->has_quality with `difficulty`). */
int route_check_cfg(kctx *c, struct scn *s);
void route_cfg_free(struct scn *s);

/* ---- the run -------------------------------------------------------------------- */

/* Builds u->rt when the scenario has `difficulty` (else leaves it NULL).
 * 0, or -1 if out of memory. */
int route_setup(struct run *u, uint64_t seed);
void route_teardown(struct run *u);
/* The routing decision for the arrival a at t (u->rt set): draws its
 * difficulty into u->rq, routes it (to the cloud, a device, a queue). Its
 * accuracy is credited where it is answered (below). 0, or -1 if out of
 * memory. */
int route_arrive(struct run *u, double t, const struct wl_arrival *a);

/* Accounting where a request (u->rq) is answered; each runs only for
 * requests arriving in the statistics window, beside the engine's counts.
 * route_edge: device i starts it at t (arrived at t_arr): the expected
 * accuracy of its answer, or a cascade's escalation, sent when the answer
 * completes: at t + service (an EV_ESC), or, when service < 0 (shared
 * service), when service.c calls route_escalate. Sets u->rq.acc / .esc,
 * which the caller keeps with the request. 0, or -1 if out of memory. */
int route_edge(struct run *u, size_t i, double t_arr, double t, uint64_t prompt, uint64_t tok,
               double service);
/* A failure cut the request u->rq on device i: its credit goes (or its
 * escalation, whose answer never came); u->rq.esc is cleared. */
void route_edge_cut(struct run *u, size_t i);
/* The cloud answered u->rq (cloud.c): its accuracy; an escalation's answer
 * replaces the edge answer. */
void route_cloud(struct run *u);
/* The cloud refused the escalation u->rq.esc for good (outage, limits,
 * budget, retries exhausted): the edge answer stands, counted refused. */
void route_esc_refused(struct run *u);
/* The edge answer of escalation k (first token at t_first) completed at t:
 * to the cloud now. 0, or -1 if out of memory. */
int route_escalate(struct run *u, uint32_t k, double t_first, double t);
/* EV_ESC: the edge answer of a fixed service time completed. */
int route_fire_esc(struct run *u, const struct heap_ev *ev);
/* For cloud.c's records of u->rq's escalation: when its edge service began
 * (its queue wait ends there), and, without queues, the edge time its cloud
 * latency adds (0 when u->rq is no escalation). */
double route_esc_start(const struct run *u);
double route_esc_lead(const struct run *u);
/* Escalations not yet answered or refused. */
uint32_t route_pending(const struct run *u);
/* Results (after the engine's finish). */
void route_finish(struct run *u);
/* The strategy's calendar events (engine.c's EV_ROUTE row). */
int route_fire(struct run *u, const struct heap_ev *ev);
/* The strategy's --timeseries columns, if it has any (engine.c's rows). */
void route_ts_header(struct run *u);
void route_ts_row(struct run *u);

#endif
