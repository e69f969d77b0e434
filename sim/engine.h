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

/* Latency-like rows of the queue/service group: (prefix, field[3][4]). */
#define ES_LAT_ROWS(X, name, field)                                                                \
  X(name ".edge.mean", field[0][0])                                                                \
  X(name ".edge.p50", field[0][1])                                                                 \
  X(name ".edge.p95", field[0][2])                                                                 \
  X(name ".edge.p99", field[0][3])                                                                 \
  X(name ".cloud.mean", field[1][0])                                                               \
  X(name ".cloud.p50", field[1][1])                                                                \
  X(name ".cloud.p95", field[1][2])                                                                \
  X(name ".cloud.p99", field[1][3])                                                                \
  X(name ".all.mean", field[2][0])                                                                 \
  X(name ".all.p50", field[2][1])                                                                  \
  X(name ".all.p95", field[2][2])                                                                  \
  X(name ".all.p99", field[2][3])

/* Scalar metrics: (dotted name, field). Every one is a double in es_result;
 * counts are whole numbers. Order here is the order of CSV columns. */
#define ES_METRICS(X)                                                                              \
  X("requests.generated", generated)                                                               \
  X("requests.edge_served", edge_served)                                                           \
  X("requests.redirected", redirected)                                                             \
  X("requests.dropped", dropped)                                                                   \
  X("requests.timed_out", q.timed_out)                                                             \
  X("requests.queued", q.queued)                                                                   \
  X("requests.lost", x.lost)                                                                       \
  X("requests.failed_over", x.failed_over)                                                         \
  X("requests.unavailable", x.unavailable)                                                         \
  X("requests.rate_limited", x.rate_limited)                                                       \
  X("requests.over_budget", x.over_budget)                                                         \
  X("requests.cloud_disabled", x.cloud_disabled)                                                   \
  X("requests.answered_fraction", x.answered_fraction)                                             \
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
  X("cost.edge_wh_per_query", q.wh_per_query)                                                      \
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
  ES_LAT_ROWS(X, "ttft_s", q.ttft)                                                                 \
  ES_LAT_ROWS(X, "tpot_s", q.tpot)                                                                 \
  ES_LAT_ROWS(X, "queue_wait_s", q.qwait)                                                          \
  X("queue.length_mean", q.q_len_mean)                                                             \
  X("queue.in_service_mean", q.in_service_mean)                                                    \
  X("slo.attainment", q.slo_attainment)                                                            \
  X("utilization.mean", util_mean)                                                                 \
  X("utilization.std", util_std)                                                                   \
  X("utilization.cv", util_cv)                                                                     \
  X("utilization.slot_mean", slot_mean)                                                            \
  X("pcr.utility", pcr_utility)                                                                    \
  X("pcr.cpr_usd", pcr_cpr)                                                                        \
  X("pcr.ratio", pcr_ratio)                                                                        \
  X("cloud.http_429", x.http_429)                                                                  \
  X("cloud.retries", x.retries)                                                                    \
  X("cloud.availability", x.cloud_availability)                                                    \
  X("cloud.peak_period_usd", x.peak_period_usd)                                                    \
  X("faults.device_availability", x.devices_availability)                                          \
  X("accuracy.edge", rq.acc_edge)                                                                  \
  X("accuracy.cloud", rq.acc_cloud)                                                                \
  X("accuracy.all", rq.acc_all)                                                                    \
  X("routing.to_cloud", rq.to_cloud)                                                               \
  X("routing.escalated", rq.escalated)                                                             \
  X("routing.escalations_refused", rq.esc_refused)                                                 \
  X("routing.sent_up", sw.sent_up)                                                                 \
  X("routing.swaps", sw.swaps)                                                                     \
  X("routing.swap_s", sw.swap_s)                                                                   \
  X("routing.served_lm1", sw.served[0])                                                            \
  X("routing.served_lm2", sw.served[1])                                                            \
  X("routing.served_lm3", sw.served[2])                                                            \
  X("routing.served_lm4", sw.served[3])

/* Opt-in metric groups: a metric whose field lies in es_result.x (or, per
 * device, from es_dev_result.availability on) is reported only when the
 * scenario configures device failures or a cloud outage, limit, retry,
 * budget or latency distribution (es_result.groups & ES_MG_FLT), so
 * scenarios without those keys print exactly what they printed before. */
#define ES_MG_FLT 1u
/* es_result.q: requests have a difficulty (route.h) */
#define ES_MG_ROUTE 4u
/* es_result.rq.esc_refused: a cascade whose cloud can refuse (cloud.h's
 * extended keys) */
#define ES_MG_ESC 8u
/* es_result.sw: routing.strategy model_switch (route_model_switch.c) */
#define ES_MG_SWITCH 16u
/* A metric whose field lies in es_result.q (per device: from
 * es_dev_result.timed_out on) is reported only when the scenario uses a
 * queue, shared service, prefill or slo key (scn.ext; issue 13). */
#define ES_MG_SVC 2u
#define ES_MG_ALL (~0u)

/* Per device instance, (name, field of es_dev_result). */
#define ES_DEV_METRICS(X)                                                                          \
  X("served", served)                                                                              \
  X("rejected", rejected)                                                                          \
  X("tokens", tokens)                                                                              \
  X("token_utilization", token_utilization)                                                        \
  X("slot_utilization", slot_utilization)                                                          \
  X("energy_wh", energy_wh)                                                                        \
  X("availability", availability)                                                                  \
  X("down_s", down_s)                                                                              \
  X("timed_out", timed_out)                                                                        \
  X("queue_length_mean", queue_length_mean)                                                        \
  X("in_service_mean", in_service_mean)

typedef struct es_dev_result {
  char name[96]; /* scenario name, with [k] when count > 1 */
#define ES_DEV_FIELD(name, field) double field;
  ES_DEV_METRICS(ES_DEV_FIELD)
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
  unsigned groups;                        /* opt-in metric groups reported (ES_MG_*) */
  struct es_flt_result {                  /* ES_MG_FLT: faults.c, cloud.c */
    double lost, failed_over, unavailable, rate_limited, over_budget, cloud_disabled;
    double answered_fraction; /* (edge_served + redirected) / generated */
    double http_429, retries, cloud_availability, peak_period_usd, devices_availability;
  } x;
  struct es_route_result {               /* ES_MG_ROUTE: route.c */
    double acc_edge, acc_cloud, acc_all; /* mean P(correct): edge, cloud answers; all requests */
    double to_cloud, escalated;          /* sent straight to the cloud; escalated (cascade) */
    double esc_refused; /* ES_MG_ESC: escalations the cloud refused (the edge answer stood) */
  } rq;
  struct es_switch_result { /* ES_MG_SWITCH: route_model_switch.c */
    double sent_up;         /* admitted, but the resident LM not good enough: to the cloud */
    double swaps, swap_s;   /* swaps decided in the window; swap time inside it, seconds */
    double served[4];       /* edge answers by each device's 1st, 2nd, ... smallest stored LM */
  } sw;
  struct es_svc_result { /* ES_MG_SVC: queue.c, service.c */
    double timed_out, queued, wh_per_query, slo_attainment, q_len_mean, in_service_mean;
    double ttft[3][4], tpot[3][4], qwait[3][4]; /* like lat */
  } q;
  hist *xh;           /* ES_MG_SVC: ttft, tpot, queue wait x edge, cloud, all (9); else NULL */
  double utility_sum; /* sum of U over answered requests */
  hist lat_hist[3];   /* edge, cloud, all */
  size_t ndev;
  es_dev_result *dev;
  double events; /* heap events processed plus arrivals */
} es_result;

typedef struct es_opts {
  double warmup_s;      /* statistics ignore requests arriving before this */
  FILE *ts;             /* time series output, or NULL */
  double ts_interval_s; /* for workloads without steps; 0: 60 */
  int scan_dispatch;    /* tests and benchmarks only: load_aware by the reference scan */
  struct obs *obs;      /* observers of every event (observe.h), or NULL */
} es_opts;

es_result *es_result_new(const scn *s);
void es_result_free(es_result *r);

/* Runs scenario `s` with `seed` into `r`. 0, or ES_ERUNTIME with a message
 * (out of memory, a failed conservation check, a failed write). */
int es_run(const scn *s, uint64_t seed, const es_opts *o, es_result *r, es_err *e);

/* Number of scalar metrics, their names, and a run's values in that order. */
size_t es_metric_count(void);
const char *es_metric_name(size_t i);
double es_metric_value(const es_result *r, size_t i);

/* True iff metric i (of ES_METRICS) is reported under `groups`. */
int es_metric_shown(size_t i, unsigned groups);
/* The opt-in groups a run of `s` reports (ES_MG_*). */
unsigned es_metric_groups(const scn *s);

/* The same for the per-device fields of ES_DEV_METRICS. */
size_t es_dev_metric_count(void);
const char *es_dev_metric_name(size_t k);
double es_dev_metric_value(const es_dev_result *d, size_t k);
int es_dev_metric_shown(size_t k, unsigned groups);

#endif
