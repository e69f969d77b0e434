/* cloud.h: the cloud fallback as a module: where a request rejected at the
 * edge (or cut by a device failure, faults.h) goes.
 *
 * Without any of the keys below the cloud is the paper's: every request is
 * answered at per-token prices after rtt + ttft + tokens / tgs, and the
 * engine's output is byte-identical to what it was before this module. With
 * them (cloud_cfg.ext), each attempt to send a request at time t is tested,
 * in this order:
 *   1. outage: the cloud is down at t (an interval [start, end) of
 *      `outages`, or of the renewal process `outage`) -> unavailable;
 *   2. budget: the request's cost would take the spend of its period
 *      [kP, (k+1)P) past budget_usd -> over_budget, dropped (no retry);
 *   3. limits: rpm / tpm over the accepted requests of (t - 60, t]
 *      (tokens = prompt + output), or max_concurrency cloud requests in
 *      flight -> HTTP 429.
 * An unavailable or 429 attempt is retried per `retry` (attempt k, k = 0
 * for the first retry, waits backoff_s * multiplier^k * (1 + jitter * u),
 * u uniform in [-1, 1) from its own stream), re-testing 1-3; after the last
 * attempt, or when the retry would fall at or after duration_s, the request
 * is dropped as unavailable or rate_limited (the reason of its last
 * attempt). Without `retry` nothing is retried.
 *
 * The configuration (cloud_cfg) belongs to the scenario (scn.cx), which
 * frees it with cloud_cfg_free(); the run's state (struct cloud_run) to the
 * run, from cloud_setup() to cloud_teardown(). Memory: the outage list, the
 * rate window (at most rpm entries, or tpm / 2), and the pool of requests
 * waiting to retry (at most the arrivals of one retry horizon); the pool
 * grows by doubling and is reused, so steady state allocates nothing.
 */
#ifndef ES_CLOUD_H
#define ES_CLOUD_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "rng.h"

/* An alternating up/down renewal process (cloud outages, device failures):
 * up times with mean mtbf_s, down times with mean mttr_s, exponential or
 * both Weibull with the same `shape` k (scale = mean / Gamma(1 + 1/k)). */
typedef struct flt_renewal {
  double mtbf_s, mttr_s;       /* seconds */
  int dist;                    /* FLT_EXPONENTIAL, FLT_WEIBULL */
  double shape;                /* Weibull k; 0 when not given */
  int on_fail;                 /* devices: FLT_REDIRECT or FLT_DROP */
  double up_scale, down_scale; /* derived: exponential means, or Weibull scales */
} flt_renewal;
enum { FLT_EXPONENTIAL = 0, FLT_WEIBULL = 1 };
enum { FLT_REDIRECT = 0, FLT_DROP = 1 };

/* A cloud latency term: a constant, a lognormal fitted to p50 and p95
 * (mu = ln p50, sigma = (ln p95 - ln p50) / 1.6448536), or weighted values. */
typedef struct cloud_lat {
  int kind;         /* LAT_CONST, LAT_LOGNORMAL, LAT_VALUES */
  double mu, sigma; /* lognormal */
  size_t n;
  double *v;        /* LAT_VALUES: n values */
  rng_alias *table; /* LAT_VALUES: alias table of the weights */
} cloud_lat;
enum { LAT_CONST = 0, LAT_LOGNORMAL = 1, LAT_VALUES = 2 };

typedef struct cloud_cfg {
  int has_outage, has_limits, has_retry; /* the objects were given */
  flt_renewal outage;
  double (*outages)[2]; /* nout explicit [start_s, end_s), sorted, disjoint; owned */
  size_t nout;
  uint64_t rpm, tpm, max_conc; /* 0: no such limit */
  uint64_t attempts;           /* retries after the first attempt */
  double backoff_s, multiplier, jitter;
  double budget_usd, budget_period_s; /* < 0: none; period 0: the whole run */
  cloud_lat ttft, rtt, tgs;           /* LAT_CONST: scn.cloud's numbers */
  int ext;                            /* any key above was given: cloud.c's path */
} cloud_cfg;

struct scn;
struct run;
struct heap_ev;

/* ---- scenario keys (rows of scenario.c's CLOUD_KEYS) ------------------------- */

extern const key_row CLOUD_OUTAGE_KEYS[], CLOUD_LIMIT_KEYS[], CLOUD_RETRY_KEYS[];
int cloud_parse_outages(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base);
/* cloud.ttft_s, rtt_s, tgs: a number (as before) or a distribution object. */
int cloud_parse_ttft(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base);
int cloud_parse_rtt(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base);
int cloud_parse_tgs(kctx *c, const cJSON *v, const char *path, const key_row *r, char *base);
/* Rules across the cloud's keys, once every key is bound. */
int cloud_check_cfg(kctx *c, struct scn *s);
void cloud_cfg_free(cloud_cfg *x);

/* A renewal's keys' rules (shape only with weibull) and its derived scales. */
int flt_renewal_check(kctx *c, flt_renewal *f, const char *path);
/* A draw of an up (down = 0) or down (down = 1) time. */
double flt_renewal_draw(const flt_renewal *f, gsl_rng *r, int down);

/* ---- the run ------------------------------------------------------------------ */

/* Builds u->cl when the scenario's cloud is extended (else leaves it NULL:
 * the plain path). 0, or -1 if out of memory. */
int cloud_setup(struct run *u, uint64_t seed);
void cloud_teardown(struct run *u);

/* A request rejected at the edge at t (picked: the device that refused it,
 * or -1): to the cloud, or dropped. */
int cloud_reject(struct run *u, long picked, double t, uint64_t prompt, uint64_t tok);
/* A request that arrived at t_arr, sent at t (a fail-over from a device:
 * faults.c; a queue deadline: queue.c). `counted`: it arrived in the
 * statistics window. With queues (svc.h) its latencies count from t_arr;
 * without, from t (the paper's). 0, or -1 if out of memory. */
int cloud_send(struct run *u, double t_arr, double t, uint64_t prompt, uint64_t tok, int counted);

/* Event handlers (rows of engine.c's EV_TYPES). */
int cloud_fire_retry(struct run *u, const struct heap_ev *ev);
int cloud_fire_done(struct run *u, const struct heap_ev *ev);

/* Results (after the run) and their invariants; time-series columns. */
void cloud_finish(struct run *u);
int cloud_check(const struct run *u, es_err *e);
void cloud_ts_header(struct run *u);
void cloud_ts_row(struct run *u, double t0, double t1);

#endif
