/* engine.h: one simulation run of a scenario, and its results.
 *
 * es_run() simulates [0, duration_s) with the given seed and fills an
 * es_result the caller made with es_result_new() and frees with
 * es_result_free(). Memory is bounded by the scenario (devices, histograms,
 * a completion queue of at most sum(P) events in flight, one window log
 * bounded by the sum of C, load_aware's index): nothing grows with the
 * number of requests.
 *
 * Event order: completions at time t are processed before an arrival at t;
 * otherwise events leave in (time, sequence) order.
 */
#ifndef ES_ENGINE_H
#define ES_ENGINE_H

#include <stdio.h>

#include "err.h"
#include "hist.h"
#include "scenario.h"

/* Scalar metrics: (dotted name, field). Every one is a double in es_result;
 * counts are whole numbers. Order here is the order of CSV columns. */
#define ES_METRICS(X)                                                                              \
  X("requests.generated", generated)                                                               \
  X("requests.edge_served", edge_served)                                                           \
  X("requests.redirected", redirected)                                                             \
  X("requests.dropped", dropped)                                                                   \
  X("requests.rejected_fraction", rejected_fraction)                                               \
  X("tokens.generated", tok_generated)                                                             \
  X("tokens.edge", tok_edge)                                                                       \
  X("tokens.cloud", tok_cloud)                                                                     \
  X("tokens.dropped", tok_dropped)                                                                 \
  X("tokens.cloud_fraction", tok_cloud_fraction)                                                   \
  X("cost.cloud_usd", cloud_usd)                                                                   \
  X("cost.edge_energy_wh", energy_wh)                                                              \
  X("cost.edge_energy_usd", energy_usd)                                                            \
  X("cost.total_usd", total_usd)                                                                   \
  X("cost.cpr_edge_usd", cpr_edge)                                                                 \
  X("cost.cpr_cloud_usd", cpr_cloud)                                                               \
  X("latency_s.edge.mean", lat[0][0])                                                              \
  X("latency_s.edge.p50", lat[0][1])                                                               \
  X("latency_s.edge.p95", lat[0][2])                                                               \
  X("latency_s.edge.p99", lat[0][3])                                                               \
  X("latency_s.cloud.mean", lat[1][0])                                                             \
  X("latency_s.cloud.p50", lat[1][1])                                                              \
  X("latency_s.cloud.p95", lat[1][2])                                                              \
  X("latency_s.cloud.p99", lat[1][3])                                                              \
  X("latency_s.all.mean", lat[2][0])                                                               \
  X("latency_s.all.p50", lat[2][1])                                                                \
  X("latency_s.all.p95", lat[2][2])                                                                \
  X("latency_s.all.p99", lat[2][3])                                                                \
  X("utilization.mean", util_mean)                                                                 \
  X("utilization.std", util_std)                                                                   \
  X("utilization.cv", util_cv)                                                                     \
  X("utilization.slot_mean", slot_mean)                                                            \
  X("pcr.utility", pcr_utility)                                                                    \
  X("pcr.cpr_usd", pcr_cpr)                                                                        \
  X("pcr.ratio", pcr_ratio)

/* Queue and service metrics (issue 13): (dotted name, field, the metric
 * they follow in output order). Only results of a scenario that uses a
 * queue, shared service, prefill or slo key show them (es_result.ext);
 * without those keys the output is exactly the paper model's. Their
 * indices follow ES_METRICS' (es_metric_count() counts those only), so
 * existing indices do not move; es_metric_order() gives the output order. */
#define ES_LAT_ROWS(X, name, field, after)                                                         \
  X(name ".edge.mean", field[0][0], after)                                                         \
  X(name ".edge.p50", field[0][1], after)                                                          \
  X(name ".edge.p95", field[0][2], after)                                                          \
  X(name ".edge.p99", field[0][3], after)                                                          \
  X(name ".cloud.mean", field[1][0], after)                                                        \
  X(name ".cloud.p50", field[1][1], after)                                                         \
  X(name ".cloud.p95", field[1][2], after)                                                         \
  X(name ".cloud.p99", field[1][3], after)                                                         \
  X(name ".all.mean", field[2][0], after)                                                          \
  X(name ".all.p50", field[2][1], after)                                                           \
  X(name ".all.p95", field[2][2], after)                                                           \
  X(name ".all.p99", field[2][3], after)
#define ES_EXT_METRICS(X)                                                                          \
  X("requests.timed_out", timed_out, "requests.dropped")                                           \
  X("requests.queued", queued, "requests.dropped")                                                 \
  X("cost.edge_wh_per_query", wh_per_query, "cost.cpr_cloud_usd")                                  \
  ES_LAT_ROWS(X, "ttft_s", ttft, "latency_s.all.p99")                                              \
  ES_LAT_ROWS(X, "tpot_s", tpot, "latency_s.all.p99")                                              \
  ES_LAT_ROWS(X, "queue_wait_s", qwait, "latency_s.all.p99")                                       \
  X("queue.length_mean", q_len_mean, "latency_s.all.p99")                                          \
  X("queue.in_service_mean", in_service_mean, "latency_s.all.p99")                                 \
  X("slo.attainment", slo_attainment, "latency_s.all.p99")

/* Per device instance, (name, field of es_dev_result). */
#define ES_DEV_METRICS(X)                                                                          \
  X("served", served)                                                                              \
  X("rejected", rejected)                                                                          \
  X("tokens", tokens)                                                                              \
  X("token_utilization", token_utilization)                                                        \
  X("slot_utilization", slot_utilization)                                                          \
  X("energy_wh", energy_wh)

/* Per device, shown with ES_EXT_METRICS, after the others. */
#define ES_DEV_EXT_METRICS(X)                                                                      \
  X("timed_out", timed_out)                                                                        \
  X("queue_length_mean", queue_length_mean)                                                        \
  X("in_service_mean", in_service_mean)

typedef struct es_dev_result {
  char name[96]; /* scenario name, with [k] when count > 1 */
#define ES_DEV_FIELD(name, field) double field;
  ES_DEV_METRICS(ES_DEV_FIELD)
  ES_DEV_EXT_METRICS(ES_DEV_FIELD)
#undef ES_DEV_FIELD
} es_dev_result;

typedef struct es_result {
  char scenario[128];
  uint64_t seed;
  const char *policy;
  double generated, edge_served, redirected, dropped, rejected_fraction;
  double tok_generated, tok_edge, tok_cloud, tok_dropped, tok_cloud_fraction;
  double cloud_usd, energy_wh, energy_usd, total_usd, cpr_edge, cpr_cloud;
  double lat[3][4]; /* edge, cloud, all x mean, p50, p95, p99; seconds */
  double util_mean, util_std, util_cv, slot_mean;
  double pcr_utility, pcr_cpr, pcr_ratio; /* 0 unless every platform has a Q */
  double utility_sum;                     /* sum of U over answered requests */
  hist lat_hist[3];                       /* edge, cloud, all */
  size_t ndev;
  es_dev_result *dev;
  double events; /* heap events processed plus arrivals */
  /* Queue and service metrics (ES_EXT_METRICS), when `ext`. */
  int ext;
  double timed_out, queued, wh_per_query, slo_attainment, q_len_mean, in_service_mean;
  double ttft[3][4], tpot[3][4], qwait[3][4]; /* like lat */
  hist *xh; /* ext: ttft, tpot, queue wait x edge, cloud, all (9); else NULL */
} es_result;

typedef struct es_opts {
  double warmup_s;      /* statistics ignore requests arriving before this */
  FILE *ts;             /* time series output, or NULL */
  double ts_interval_s; /* for workloads without steps; 0: 60 */
  int scan_dispatch;    /* tests and benchmarks only: load_aware by the reference scan */
} es_opts;

es_result *es_result_new(const scn *s);
void es_result_free(es_result *r);

/* Runs scenario `s` with `seed` into `r`. 0, or ES_ERUNTIME with a message
 * (out of memory, a failed conservation check, a failed write). */
int es_run(const scn *s, uint64_t seed, const es_opts *o, es_result *r, es_err *e);

/* Number of scalar metrics (the paper model's, ES_METRICS), their names,
 * and a run's values in that order. Indices es_metric_count() and up are
 * the ES_EXT_METRICS rows. */
size_t es_metric_count(void);
/* Metrics shown for results with `ext` (0: es_metric_count()), and the
 * index of the k-th in output order (ext 0: k itself). */
size_t es_metric_shown(int ext);
size_t es_metric_order(int ext, size_t k);
/* Whether `name` (len bytes) names a metric shown with `ext`; its index. */
int es_metric_find(int ext, const char *name, size_t len, size_t *idx);
const char *es_metric_name(size_t i);
double es_metric_value(const es_result *r, size_t i);

/* The same for the per-device fields of ES_DEV_METRICS; with ext, the
 * ES_DEV_EXT_METRICS follow (indices es_dev_metric_count() and up). */
size_t es_dev_metric_count(void);
size_t es_dev_metric_shown(int ext);
const char *es_dev_metric_name(size_t k);
double es_dev_metric_value(const es_dev_result *d, size_t k);

#endif
