/* scenario.h: scenario files, validated into a `scn`.
 *
 * scn_load() reads a JSON file, applies --set overrides to the parsed tree,
 * validates every key against the key tables in scenario.c (types, bounds,
 * defaults, unknown keys), resolves device profiles from the models
 * directory, and returns a scenario the caller owns and frees with
 * scn_free(). On failure nothing is returned and the error names the file
 * and the key path. The struct is visible to the simulator's modules; the
 * CLI treats it as read-only.
 */
#ifndef ES_SCENARIO_H
#define ES_SCENARIO_H

#include <stdio.h>

#include "adapt.h"
#include "cloud.h"
#include "dist.h"
#include "err.h"
#include "keys.h"
#include "route.h"

struct wl_ops;
struct lim_ops;
struct disp_ops;
struct kctx;

#define SCN_NAME_MAX 64

/* A limiter: its kind's row, the kind's parameters, and W. */
typedef struct scn_lim {
  const struct lim_ops *ops;
  void *cfg;       /* owned by whoever parsed it (the scenario or the device entry) */
  double window_s; /* W, seconds (with adapt: its initial value) */
  lim_adapt adapt; /* limiter.adapt (adapt.h); adapt.has 0 without it */
} scn_lim;

typedef struct scn_device {
  char name[SCN_NAME_MAX];
  char profile[SCN_NAME_MAX]; /* "" when the numbers are given inline */
  char lm[SCN_NAME_MAX];
  uint64_t count;                      /* identical instances of this entry */
  uint64_t token_capacity;             /* C: output tokens per window */
  uint64_t max_parallel;               /* P: requests in flight */
  double tgs;                          /* output tokens per second per request */
  double ttft_s;                       /* time to first token, seconds */
  double power_active_w, power_idle_w; /* watts */
  double quality;                      /* Q in [0, 1] of its LM; < 0 when unknown */
  scn_lim lim;                         /* its limiter: its own, or the scenario's (cfg borrowed) */
  int own_lim;                         /* lim.cfg is this entry's (a `limiter` key of its own) */
  const cJSON *lim_json;               /* while loading: its `limiter` object, or NULL */
  int has_failure;                     /* `failure` given (faults.h) */
  flt_renewal failure;                 /* its up/down process and on_fail */
  acc_curve acc;                       /* P(correct | difficulty) of its LM (route.h) */
  /* Queues and shared service (issue 13; README "Queues and contention").
   * All opt-in: without these keys a device is the paper's. */
  int has_queue;             /* a `queue` object was given */
  uint64_t queue_max;        /* requests waiting at most; 0: no queue */
  double queue_deadline_s;   /* longest wait before service starts; 0: none */
  int queue_discipline;      /* SCN_QUEUE_FIFO or SCN_QUEUE_SJF */
  int service;               /* SCN_SERVICE_FIXED or SCN_SERVICE_SHARED */
  double prefill_tps;        /* shared: prompt tokens per second; 0: not given */
  double prefill_overhead_s; /* shared: fixed part of the prefill, seconds */
  int has_prefill;           /* prefill_tps or prefill_overhead_s given */
  size_t ncurve;             /* shared: points of the batch curve A(n) (0 before resolved) */
  double *curve_n, *curve_a; /* batch sizes (1 first, increasing) and aggregate tokens/s; owned */
  int curve_given;           /* the curve came from the entry's `batch_curve` */
  /* Stored LMs (`models`, routing.strategy model_switch; README "Routing
   * and accuracy"). Opt-in: nlms 0 stores only `lm`. */
  struct scn_device *lms; /* nlms entries, smallest first (lm_bytes, ties in listing order): each
                             a copy of this entry with that LM's numbers (tgs, ttft_s, quality,
                             acc, swap_in_s); owned */
  size_t nlms;
  size_t lm_first;          /* index in lms of models[0], resident at t = 0 */
  double lm_bytes;          /* its LM's weights in memory: the profile's resident_gib x 2^30; 0 */
  double swap_s;            /* `swap_s`, seconds (0 when not given) */
  double storage_gbs;       /* `storage_gbs`, GB/s (1e9 B/s); 0: not given */
  double swap_in_s;         /* a copy in lms: seconds to load this LM (swap_s, or bytes/storage) */
  size_t lm_class;          /* a copy in lms: its completion class block (>= ndev) */
  size_t listed;            /* a copy in lms: its index in `models` */
  const cJSON *models_json; /* while loading: its `models` array, or NULL */
} scn_device;
#define SCN_MAX_MODELS 4 /* LMs a device entry stores */

enum { SCN_QUEUE_FIFO = 0, SCN_QUEUE_SJF = 1 };
enum { SCN_SERVICE_FIXED = 0, SCN_SERVICE_SHARED = 1 };
#define SCN_MAX_CURVE_POINTS 64
#define SCN_MAX_QUEUE 1000000.0 /* requests waiting per device */

typedef struct scn {
  char file[512];
  char name[128];
  uint64_t seed;
  double duration_s;
  struct {
    const struct wl_ops *ops;
    void *cfg; /* the kind's parameters, owned */
  } wl;
  scn_device *dev; /* ndev entries, in file order */
  size_t ndev;
  size_t ninst; /* sum of counts: device instances */
  size_t nlms;  /* stored-LM copies of all entries (devices[].models): completion classes */
  scn_lim lim;  /* the default limiter (`limiter`); cfg owned */
  struct {
    const struct disp_ops *ops;
    void *cfg;         /* the policy's parameters, owned */
    uint64_t attempts; /* dispatch.attempts: distinct devices tried per request */
  } disp;
  struct {
    int enabled;
    double price_in, price_out; /* USD per million tokens */
    double rtt_s, ttft_s, tgs;
    double quality; /* Q in [0, 1]; < 0 when unknown */
  } cloud;
  route_cfg rt;        /* difficulty, the cloud's accuracy curve, routing (route.h) */
  cloud_cfg cx;        /* the cloud's outages, limits, retries, budget, latency laws (cloud.h) */
  double energy_price; /* USD per kWh */
  int has_cloud, has_energy, has_utility; /* the blocks were given */
  double alpha;    /* weight of Q in the utility U = alpha Q + (1 - alpha) R */
  int has_quality; /* every device and the cloud have a Q: PCR is reported */
  /* Service-level objective (top-level `slo`); a bound of 0 is absent. */
  int has_slo;
  double slo_ttft_s, slo_e2e_s;
  /* The scenario uses a queue, shared service, prefill or slo key: the
   * results carry the queue/service metrics (engine.h, ES_EXT rows). */
  int ext;
} scn;

/* Loads FILE, applying `nsets` overrides of the form "PATH=VALUE" first.
 * `models_dir` may be NULL: then $EDGESIM_MODELS, FILE's ../models, or the
 * build's source tree, in that order. */
int scn_load(const char *file, const char *const *sets, size_t nsets, const char *models_dir,
             scn **out, es_err *e);
/* As scn_load(), on the `len` bytes at `data` (need not be terminated);
 * `name` stands for the file name in messages and the default name. */
int scn_load_buffer(const char *name, const char *data, size_t len, const char *const *sets,
                    size_t nsets, const char *models_dir, scn **out, es_err *e);
void scn_free(scn *s);

const char *scn_policy_name(const scn *s);
const char *scn_workload_name(const scn *s);
const char *scn_limiter_name(const scn_lim *l);
/* The workload's own time-series step (steps: step_s), 0 if it has none. */
double scn_step_s(const scn *s);
/* Expected arrivals of the workload in duration_s (an upper bound). */
double scn_expected_requests(const scn *s);

/* For workload kinds: refuses a run whose expected arrivals exceed
 * SCN_MAX_REQUESTS, naming `path`. */
int scn_check_requests(struct kctx *c, const char *path, double expected, double duration_s);

/* Prints the table of scenario keys (path, type, default, meaning). */
void scn_print_keys(FILE *f);

/* Documented limits (README, tests/README.md): beyond them a scenario is
 * rejected with a message rather than running out of memory or time. The
 * size of a scenario or profile file is IFILE_MAX_BYTES (ifile.h). */
#define SCN_MAX_DEVICES 1000000u /* device instances (sum of counts) */
#define SCN_MAX_USERS 1000000000u
#define SCN_MAX_DURATION_S 31622400.0 /* one leap year */
#define SCN_MAX_DIST_VALUES 1000u     /* values of a token distribution */
#define SCN_MAX_STEPS 1e8             /* duration_s / step_s */
#define SCN_MAX_REQUESTS 1e10         /* expected requests in one run (upper bound) */
#define SCN_MAX_TOKEN_CAPACITY                                                                     \
  4294967294.0           /* 2^32 - 2: load_aware's index keys                                      \
                             `used` <= C in 32 bits (loadidx.h) */
#define SCN_MIN_TGS 1e-3 /* tokens/s: keeps service times finite */

#endif
