/* scenario.c: the scenario schema, scenario files -> validated `scn`.
 *
 * The schema is rows (keys.h): the top-level keys, the device keys, the
 * cloud, energy and utility blocks here; the workload, limiter and dispatch
 * objects are bound by their kind's row (sim/kinds/). Rules that tie keys
 * of different objects together (a device's limiter inheriting the
 * scenario's, W <= duration_s, the workload's run length, PCR) come after
 * every key is bound, since JSON keys come in any order. Profiles are read
 * by profile.c, --set overrides applied by setpatch.c.
 */
#include "scenario.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ifile.h"
#include "kinds.h"
#include "names.h"
#include "profile.h"
#include "faults.h"
#include "setpatch.h"

#define OFF(m) offsetof(scn, m)
#define DOFF(m) offsetof(scn_device, m)

/* ---- kinded objects ------------------------------------------------------- */

static int parse_workload(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  scn *s = (scn *)b;
  const kind_hdr *row;
  int rc = key_parse_kinded(c, v, path, &WL_REGISTRY, b, &row, &s->wl.cfg);
  s->wl.ops = (const wl_ops *)row;
  return rc;
}

static int parse_dispatch(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  scn *s = (scn *)b;
  const kind_hdr *row;
  int rc = key_parse_kinded(c, v, path, &DISP_REGISTRY, b, &row, &s->disp.cfg);
  s->disp.ops = (const disp_ops *)row;
  return rc;
}

static int parse_routing(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  scn *s = (scn *)b;
  const kind_hdr *row;
  int rc = key_parse_kinded(c, v, path, &ROUTE_REGISTRY, b, &row, &s->rt.cfg);
  s->rt.ops = (const route_ops *)row;
  return rc;
}

static int parse_limiter(kctx *c, const cJSON *v, const char *path, scn_lim *l) {
  const kind_hdr *row;
  int rc = key_parse_kinded(c, v, path, &LIM_REGISTRY, (char *)l, &row, &l->cfg);
  l->ops = (const lim_ops *)row;
  return rc;
}

static int parse_top_limiter(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  scn *s = (scn *)b;
  return parse_limiter(c, v, path, &s->lim);
}

/* A device's own limiter is resolved once the scenario's is known (the
 * rules below); here it is only kept. */
static int keep_device_limiter(kctx *c, const cJSON *v, const char *path, const key_row *r,
                               char *b) {
  (void)c, (void)path, (void)r;
  ((scn_device *)b)->lim_json = v;
  return 0;
}

/* `models` is resolved once the entry's profile is known (check_device). */
static int keep_models(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)c, (void)path, (void)r;
  ((scn_device *)b)->models_json = v;
  return 0;
}

/* ---- the rows --------------------------------------------------------------- */

static const key_row CLOUD_KEYS[] = {
    KEY_BOOL("enabled", OFF(cloud.enabled), "true",
             "redirect edge rejections to the cloud (false: drop them)"),
    KEY_NUM("price_in_usd_per_mtok", OFF(cloud.price_in), 0, 1e6, 0, "30",
            "price of prompt tokens, USD per million"),
    KEY_NUM("price_out_usd_per_mtok", OFF(cloud.price_out), 0, 1e6, 0, "60",
            "price of output tokens, USD per million"),
    KEY_FUNC("rtt_s", 0, cloud_parse_rtt, 0, "0.05", "latency",
             "network round trip to the cloud, seconds; or {p50, p95} / {values, weights}"),
    KEY_FUNC("ttft_s", 0, cloud_parse_ttft, 0, "0.71", "latency",
             "cloud time to first token, seconds (GPT-4 in the paper); or a distribution"),
    KEY_FUNC("tgs", 0, cloud_parse_tgs, 0, "50", "latency",
             "cloud output tokens per second; or a distribution"),
    KEY_NUM("quality", OFF(cloud.quality), 0, 1, 0, NULL,
            "Q of the cloud LM in [0, 1] (GPT-4 in the paper: 0.97); for PCR"),
    /* cloud.h: outages, limits, retries, budget (opt-in) */
    KEY_OBJ("outage", OFF(cx.has_outage), CLOUD_OUTAGE_KEYS, 0, NULL,
            "random outages: alternating up (mtbf_s) and down (mttr_s) times"),
    KEY_FUNC(
        "outages", 0, cloud_parse_outages, 0, NULL, "array",
        "explicit outages [[start_s, end_s], ...], sorted, non-overlapping; down in [start, end)"),
    KEY_OBJ("limits", OFF(cx.has_limits), CLOUD_LIMIT_KEYS, 0, NULL,
            "rate limits; a request over one gets HTTP 429"),
    KEY_OBJ("retry", OFF(cx.has_retry), CLOUD_RETRY_KEYS, 0, NULL,
            "retries of 429 and unavailable answers (absent: none)"),
    KEY_NUM("budget_usd", OFF(cx.budget_usd), 0, 1e12, K_LOX, NULL,
            "spend cap per budget period; a request that would pass it is dropped"),
    KEY_NUM("budget_period_s", OFF(cx.budget_period_s), 0, SCN_MAX_DURATION_S, K_LOX, NULL,
            "budget periods [kP, (k+1)P) from t = 0 (absent: the whole run)"),
    /* route.h: P(correct | difficulty) (opt-in) */
    KEY_OBJ("accuracy", OFF(rt.cloud_acc.given), ROUTE_CLOUD_ACC_KEYS, 0, NULL,
            "the cloud LM's P(correct | difficulty) (with `difficulty`; default: flat at quality)"),
    KEY_END};

static const key_row UTIL_KEYS[] = {
    KEY_NUM("alpha", OFF(alpha), 0, 1, 0, "0.5",
            "weight of quality Q in the utility U = alpha Q + (1 - alpha) R, R = TTFT"),
    KEY_END};

static const key_row ENERGY_KEYS[] = {KEY_NUM("price_usd_per_kwh", OFF(energy_price), 0, 1e3, 0,
                                              "0.25", "electricity price, USD per kWh"),
                                      KEY_END};

/* ---- queues and shared service (issue 13) ------------------------------------ */

static const char *const QUEUE_DISCIPLINES[] = {"fifo", "sjf", NULL};
static const char *const SERVICES[] = {"fixed", "shared", NULL};

static const key_row QUEUE_KEYS[] = {
    KEY_INT("max", DOFF(queue_max), 0, SCN_MAX_QUEUE, 0, "0",
            "requests waiting at most (0: no queue, the paper's)"),
    KEY_NUM("deadline_s", DOFF(queue_deadline_s), 0, SCN_MAX_DURATION_S, K_LOX, NULL,
            "longest wait before service starts, then the cloud (absent: none)"),
    KEY_ENUM("discipline", DOFF(queue_discipline), QUEUE_DISCIPLINES, 0, "\"fifo\"",
             "order of the queue: fifo, or sjf (fewest output tokens first, ties by arrival)"),
    KEY_END};

static const key_row CURVE_N = KEY_INT("batch[]", 0, 1, 1e6, 0, NULL, "");
static const key_row CURVE_A = KEY_NUM("tokens_per_s[]", 0, 0, 1e12, K_LOX, NULL, "");

/* One array of the batch curve: 1 to SCN_MAX_CURVE_POINTS numbers by `row`. */
static int curve_array(kctx *c, const cJSON *a, const char *path, const char *key,
                       const key_row *row, int n, double *out) {
  char p[512], got[96];
  key_join(p, sizeof p, path, key);
  int len = cJSON_GetArraySize(a);
  if (!a || !cJSON_IsArray(a) || len < 1 || len > SCN_MAX_CURVE_POINTS || (n && len != n)) {
    key_count_text(a, got, sizeof got);
    if (n)
      return key_fail(c, p, "must be an array of %d numbers, one per batch size, got %s", n, got);
    return key_fail(c, p, "must be an array of 1 to %d batch sizes, got %s", SCN_MAX_CURVE_POINTS,
                    got);
  }
  int i = 0;
  for (const cJSON *v = a->child; v; v = v->next, i++) {
    snprintf(p, sizeof p, "%s.%s[%d]", path, key, i);
    if (key_number(c, p, v, row, &out[i]))
      return c->e->code;
  }
  return 0;
}

/* batch_curve {"batch": [1, 2, 4, 8], "tokens_per_s": [A(1), ...]}: batch
 * sizes start at 1 and increase strictly; the aggregate never decreases (a
 * constant one is processor sharing). A(1) = tgs is checked with the
 * device (check_service), once tgs is known. */
static int parse_curve(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  scn_device *d = (scn_device *)b;
  static const char *const allowed[] = {"batch", "tokens_per_s", NULL};
  if (!cJSON_IsObject(v)) {
    char got[96];
    key_count_text(v, got, sizeof got);
    return key_fail(c, path,
                    "must be an object {\"batch\": [...], \"tokens_per_s\": [...]}, got %s", got);
  }
  const cJSON *it;
  cJSON_ArrayForEach(it, v) {
    if (strcmp(it->string, allowed[0]) && strcmp(it->string, allowed[1])) {
      char p[512];
      key_join(p, sizeof p, path, it->string);
      return key_fail(c, p, "unknown key; allowed here: batch, tokens_per_s");
    }
  }
  double nb[SCN_MAX_CURVE_POINTS], ab[SCN_MAX_CURVE_POINTS];
  const cJSON *bn = cJSON_GetObjectItemCaseSensitive(v, "batch");
  if (curve_array(c, bn, path, "batch", &CURVE_N, 0, nb))
    return c->e->code;
  int n = cJSON_GetArraySize(bn);
  if (curve_array(c, cJSON_GetObjectItemCaseSensitive(v, "tokens_per_s"), path, "tokens_per_s",
                  &CURVE_A, n, ab))
    return c->e->code;
  char p[512];
  if (nb[0] != 1) {
    snprintf(p, sizeof p, "%s.batch[0]", path);
    return key_fail(c, p, "must be 1 (the curve starts at one request), got %.15g", nb[0]);
  }
  for (int i = 1; i < n; i++) {
    if (nb[i] <= nb[i - 1]) {
      snprintf(p, sizeof p, "%s.batch[%d]", path, i);
      return key_fail(c, p, "must be > batch[%d] (%.15g): batch sizes increase strictly, got %.15g",
                      i - 1, nb[i - 1], nb[i]);
    }
    if (ab[i] < ab[i - 1]) {
      snprintf(p, sizeof p, "%s.tokens_per_s[%d]", path, i);
      return key_fail(c, p,
                      "must be >= tokens_per_s[%d] (%.15g): the aggregate decode rate may not "
                      "decrease with the batch, got %.15g",
                      i - 1, ab[i - 1], ab[i]);
    }
  }
  free(d->curve_n);
  free(d->curve_a);
  d->curve_n = malloc((size_t)n * sizeof *d->curve_n);
  d->curve_a = malloc((size_t)n * sizeof *d->curve_a);
  if (!d->curve_n || !d->curve_a)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  memcpy(d->curve_n, nb, (size_t)n * sizeof *nb);
  memcpy(d->curve_a, ab, (size_t)n * sizeof *ab);
  d->ncurve = (size_t)n;
  d->curve_given = 1;
  return 0;
}

static const key_row DEV_KEYS[] = {
    KEY_STR("name", DOFF(name), SCN_NAME_MAX, "device name (default: the profile, else device<i>)"),
    KEY_INT("count", DOFF(count), 1, SCN_MAX_DEVICES, 0, "1", "identical instances of this device"),
    KEY_STR("profile", DOFF(profile), SCN_NAME_MAX,
            "profile in models/profiles/ whose numbers the device inherits"),
    KEY_STR("lm", DOFF(lm), SCN_NAME_MAX, "language model of the profile (with profile)"),
    KEY_INT("token_capacity", DOFF(token_capacity), 1, SCN_MAX_TOKEN_CAPACITY, 0, NULL,
            "C: output tokens admitted per window, at most 2^32 - 2"),
    KEY_INT("max_parallel", DOFF(max_parallel), 1, 1e6, 0, NULL, "P: requests in flight at once"),
    KEY_NUM("tgs", DOFF(tgs), SCN_MIN_TGS, 1e9, 0, NULL,
            "output tokens per second per request (profile)"),
    KEY_NUM("ttft_s", DOFF(ttft_s), 0, 3600, 0, NULL, "time to first token, seconds (profile)"),
    KEY_NUM("power_active_w", DOFF(power_active_w), 0, 1e6, 0, NULL,
            "power with >= 1 request in flight, watts (profile)"),
    KEY_NUM("power_idle_w", DOFF(power_idle_w), 0, 1e6, 0, NULL,
            "power when idle, watts (profile; <= power_active_w)"),
    KEY_NUM("quality", DOFF(quality), 0, 1, 0, NULL,
            "Q of its LM in [0, 1], for PCR (profile, where published)"),
    KEY_FUNC("limiter", 0, keep_device_limiter, 0, NULL, "object",
             "its own limiter; keys not given are the scenario's `limiter`'s"),
    KEY_OBJ("failure", DOFF(has_failure), FLT_FAILURE_KEYS, 0, NULL,
            "failures: alternating up (mtbf_s) and down (mttr_s) times (faults.h)"),
    KEY_OBJ("accuracy", DOFF(acc.given), ROUTE_DEV_ACC_KEYS, 0, NULL,
            "its LM's P(correct | difficulty) (with `difficulty`; default: flat at quality)"),
    KEY_OBJ("queue", DOFF(has_queue), QUEUE_KEYS, 0, NULL,
            "requests waiting for a slot and the window (absent: none, the paper's)"),
    KEY_ENUM("service", DOFF(service), SERVICES, 0, "\"fixed\"",
             "fixed: ttft_s + tokens/tgs (the paper's); shared: processor sharing at A(n)/n"),
    KEY_FUNC("batch_curve", 0, parse_curve, 0, NULL, "object",
             "shared: {batch: [1, ...], tokens_per_s: [A(1) = tgs, ...]} (profile's curve)"),
    KEY_NUM("prefill_tps", DOFF(prefill_tps), 1e-3, 1e12, 0, NULL,
            "shared: prompt tokens per second of prefill (profile's, where it has one)"),
    KEY_NUM("prefill_overhead_s", DOFF(prefill_overhead_s), 0, 3600, 0, "0",
            "shared: fixed part of the prefill, seconds"),
    KEY_FUNC("models", 0, keep_models, 0, NULL, "array",
             "model_switch: the LMs it stores (profile names, or {lm, accuracy}); the first is "
             "resident at t = 0"),
    KEY_NUM("swap_s", DOFF(swap_s), 0, 1e6, 0, NULL,
            "model_switch: seconds to load an LM (or storage_gbs)"),
    KEY_NUM("storage_gbs", DOFF(storage_gbs), 0, 1e6, K_LOX, NULL,
            "model_switch: storage read bandwidth, GB/s: a swap takes the LM's bytes / it"),
    KEY_END};

/* An item of `models` given as an object (base: its copy of the entry). */
static const key_row MODEL_KEYS[] = {
    {"lm", K_STR, DOFF(lm), SCN_NAME_MAX, 0, 0, K_REQ, NULL, NULL, NULL,
     "an LM of the device's profile", NULL},
    KEY_OBJ("accuracy", DOFF(acc.given), ROUTE_DEV_ACC_KEYS, 0, NULL,
            "its P(correct | difficulty) (default: flat at the profile's quality)"),
    KEY_END};

/* Device keys without which a device cannot run; the profile gives the
 * last four. */
static const char *const DEV_NEEDED[] = {"token_capacity", "max_parallel", "tgs", "ttft_s",
                                         "power_active_w", "power_idle_w", NULL};

static int parse_devices(kctx *c, const cJSON *arr, const char *path, const key_row *r, char *b);

static const key_row SLO_KEYS[] = {
    KEY_NUM("ttft_s", OFF(slo_ttft_s), 0, 1e9, K_LOX, NULL,
            "time to first token at most, seconds (absent: no bound)"),
    KEY_NUM("e2e_s", OFF(slo_e2e_s), 0, 1e9, K_LOX, NULL,
            "end-to-end latency at most, seconds (absent: no bound)"),
    KEY_END};

static const key_row TOP_KEYS[] = {
    KEY_STR("name", OFF(name), sizeof(((scn *)0)->name), "scenario name (default: the file name)"),
    KEY_U64("seed", OFF(seed), "1", "base random seed, 0 to 2^64 - 1 (--seed overrides)"),
    KEY_NUM("duration_s", OFF(duration_s), 0, SCN_MAX_DURATION_S, K_REQ | K_LOX, NULL,
            "simulated horizon, seconds"),
    KEY_FUNC("workload", 0, parse_workload, K_REQ, NULL, "object", "the demand"),
    KEY_FUNC("devices", 0, parse_devices, K_REQ, NULL, "array", "the edge devices"),
    KEY_FUNC("limiter", 0, parse_top_limiter, K_REQ, NULL, "object",
             "the devices' rate limiter (a device may set its own)"),
    KEY_FUNC("dispatch", 0, parse_dispatch, K_REQ, NULL, "object", "device selection"),
    KEY_OBJ("cloud", OFF(has_cloud), CLOUD_KEYS, 0, "{}", "cloud fallback"),
    KEY_OBJ("energy", OFF(has_energy), ENERGY_KEYS, 0, "{}", "energy pricing"),
    KEY_OBJ("utility", OFF(has_utility), UTIL_KEYS, 0, "{}", "the paper's utility, for PCR"),
    /* route.h: difficulty, accuracy and routing (opt-in) */
    KEY_OBJ("difficulty", OFF(rt.has_diff), ROUTE_DIFF_KEYS, 0, NULL,
            "each request's difficulty in [0, 1]: values/weights or beta (its own stream)"),
    KEY_FUNC("routing", 0, parse_routing, 0, NULL, "object",
             "where a request goes: edge, cloud, or both (default: edge_first)"),
    KEY_OBJ("slo", OFF(has_slo), SLO_KEYS, 0, NULL,
            "service-level objective: the fraction of requests meeting it is reported"),
    KEY_END};

/* ---- devices ------------------------------------------------------------------ */

static int key_given(const key_row *tab, uint64_t seen, const char *key) {
  for (size_t i = 0; tab[i].key; i++)
    if (!strcmp(tab[i].key, key))
      return (int)(seen >> i & 1);
  return 0;
}

/* The rules of `service` and its keys, after the profile filled tgs and
 * (for shared service) its batch curve and prefill_tps. A profile's curve
 * is scaled so that A(1) = tgs (the profile measured both the same way; a
 * tgs given on the entry moves the whole curve with it); an entry's own
 * batch_curve must have A(1) = tgs within 1e-9 relative. */
static int check_service(kctx *c, scn_device *d, uint64_t seen, const char *path) {
  char p[512];
  static const char *const shared_only[] = {"batch_curve", "prefill_tps", "prefill_overhead_s",
                                            NULL};
  d->has_prefill =
      key_given(DEV_KEYS, seen, "prefill_tps") || key_given(DEV_KEYS, seen, "prefill_overhead_s");
  if (d->service != SCN_SERVICE_SHARED) {
    for (int k = 0; shared_only[k]; k++)
      if (key_given(DEV_KEYS, seen, shared_only[k])) {
        key_join(p, sizeof p, path, shared_only[k]);
        return key_fail(c, p,
                        "applies only with \"service\": \"shared\" (this device is \"fixed\")");
      }
    return 0;
  }
  if (!d->ncurve) {
    key_join(p, sizeof p, path, "batch_curve");
    return key_fail(c, p,
                    "required key is missing with \"service\": \"shared\" (the device has no "
                    "profile with a decode_tps_batch curve)");
  }
  if (!d->curve_given) {
    double k = d->tgs / d->curve_a[0];
    for (size_t j = 0; j < d->ncurve; j++)
      d->curve_a[j] *= k;
    d->curve_a[0] = d->tgs;
  } else if (fabs(d->curve_a[0] - d->tgs) > 1e-9 * d->tgs) {
    key_join(p, sizeof p, path, "batch_curve.tokens_per_s[0]");
    return key_fail(c, p, "must equal tgs (%.15g): A(1) is one request's decode rate, got %.15g",
                    d->tgs, d->curve_a[0]);
  }
  if (!(d->prefill_tps > 0)) {
    key_join(p, sizeof p, path, "prefill_tps");
    return key_fail(c, p,
                    "required key is missing with \"service\": \"shared\" (prompt tokens per "
                    "second; no profile of the device gives one)");
  }
  return 0;
}

/* ---- stored LMs (`models`) ---------------------------------------------------- */

/* The keys an entry with `models` may not give (each LM's numbers come
 * from the profile and its item of `models`). */
static const char *const NOT_WITH_MODELS[] = {"lm", "tgs", "ttft_s", "quality", "accuracy", NULL};

/* Parses `models` into d->lms (names and curves, in listing order) and
 * makes models[0] the entry's own `lm`. */
static int parse_models(kctx *c, scn_device *d, uint64_t seen, const char *path) {
  char p[512], got[96];
  static const key_row name_row = KEY_STR("lm", DOFF(lm), SCN_NAME_MAX, "");
  if (d->service != SCN_SERVICE_FIXED) {
    key_join(p, sizeof p, path, "models");
    return key_fail(c, p, "only with \"service\": \"fixed\" (yet)");
  }
  const cJSON *arr = d->models_json, *it;
  int n = cJSON_GetArraySize(arr);
  for (int k = 0; NOT_WITH_MODELS[k]; k++)
    if (key_given(DEV_KEYS, seen, NOT_WITH_MODELS[k])) {
      key_join(p, sizeof p, path, NOT_WITH_MODELS[k]);
      return key_fail(c, p, "not with `models` (each LM's numbers come from the profile)");
    }
  key_join(p, sizeof p, path, "models");
  if (!cJSON_IsArray(arr) || n < 1 || n > SCN_MAX_MODELS) {
    key_count_text(arr, got, sizeof got);
    return key_fail(c, p, "must be an array of 1 to %d LMs, got %s", SCN_MAX_MODELS, got);
  }
  if (!key_given(DEV_KEYS, seen, "profile"))
    return key_fail(c, p, "needs `profile` (the LMs' numbers come from it)");
  if (!(d->lms = calloc((size_t)n, sizeof *d->lms)))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  d->nlms = (size_t)n;
  it = arr->child;
  for (int k = 0; k < n; k++, it = it->next) {
    scn_device *v = &d->lms[k];
    snprintf(p, sizeof p, "%s.models[%d]", path, k);
    v->listed = (size_t)k;
    if (!cJSON_IsObject(it) && !cJSON_IsString(it)) {
      key_count_text(it, got, sizeof got);
      return key_fail(c, p, "must be an LM name or {\"lm\": NAME, \"accuracy\": {...}}, got %s",
                      got);
    }
    if (cJSON_IsObject(it) ? key_parse_obj(c, it, p, MODEL_KEYS, (char *)v, NULL)
                           : key_parse_value(c, it, p, &name_row, (char *)v))
      return c->e->code;
    for (int j = 0; j < k; j++)
      if (!strcmp(d->lms[j].lm, v->lm))
        return key_fail(c, p, "\"%s\" is already models[%d]; each LM once", v->lm, j);
  }
  snprintf(d->lm, sizeof d->lm, "%s", d->lms[0].lm);
  return 0;
}

/* The profile's complaint about the `lm` of an entry with `models` is
 * about models[0] (its lm): the message names that. Returns the code. */
static int lm_is_models0(es_err *e, const char *path) {
  char from[96], rest[sizeof e->msg];
  snprintf(from, sizeof from, "%s.lm: ", path);
  char *at = strstr(e->msg, from);
  if (at) {
    snprintf(rest, sizeof rest, "%s", at + strlen(from));
    snprintf(at, sizeof e->msg - (size_t)(at - e->msg), "%s.models[0].lm: %s", path, rest);
  }
  return e->code;
}

/* Each stored LM's numbers, as a device of this entry with that LM alone
 * (profile_apply: it must fit), its bytes, then the order by size and the
 * swap times. */
static int fill_models(kctx *c, scn_device *d, uint64_t seen, const char *path) {
  char p[512];
  int has_swap = key_given(DEV_KEYS, seen, "swap_s");
  int has_storage = key_given(DEV_KEYS, seen, "storage_gbs");
  for (size_t k = 0; k < d->nlms; k++) {
    scn_device *v = &d->lms[k], keep = *v;
    *v = *d; /* the entry's numbers and keys; then the LM's own */
    memcpy(v->lm, keep.lm, sizeof v->lm);
    v->acc = keep.acc, v->listed = keep.listed;
    v->lms = NULL, v->nlms = 0, v->own_lim = 0, v->curve_n = v->curve_a = NULL, v->ncurve = 0;
    v->quality = -1, v->lm_bytes = 0, v->models_json = NULL, v->lim_json = NULL;
    snprintf(p, sizeof p, "%s.models[%zu]", path, k);
    if (profile_apply(c, v, DEV_KEYS, seen, p))
      return c->e->code;
    if (!(v->lm_bytes > 0))
      return key_fail(
          c, p,
          "profile \"%s\" gives no lm.%s.resident_gib (its weight bytes: the size order "
          "and the swap time)",
          d->profile, v->lm);
  }
  if (d->nlms > 1 && !has_swap && !has_storage) {
    key_join(p, sizeof p, path, "swap_s");
    return key_fail(c, p,
                    "required key is missing with more than one LM in `models` (or storage_gbs, "
                    "the bandwidth the weights load at)");
  }
  if (has_swap && has_storage) {
    key_join(p, sizeof p, path, "storage_gbs");
    return key_fail(c, p, "not with swap_s (give one: the swap time, or what it is computed from)");
  }
  for (size_t k = 1; k < d->nlms; k++) /* insertion sort by size; equal sizes in listing order */
    for (size_t j = k; j > 0 && d->lms[j].lm_bytes < d->lms[j - 1].lm_bytes; j--) {
      scn_device t = d->lms[j];
      d->lms[j] = d->lms[j - 1], d->lms[j - 1] = t;
    }
  for (size_t k = 0; k < d->nlms; k++) {
    scn_device *v = &d->lms[k];
    v->swap_in_s = has_swap ? d->swap_s : v->lm_bytes / (d->storage_gbs * 1e9);
    if (v->listed == 0)
      d->lm_first = k;
  }
  return 0;
}

static int check_device(kctx *c, scn_device *d, uint64_t seen, const char *path, size_t i) {
  char p[512];
  int has_profile = key_given(DEV_KEYS, seen, "profile"), has_lm = key_given(DEV_KEYS, seen, "lm");
  int has_models = d->models_json != NULL;
  if (has_models && parse_models(c, d, seen, path))
    return c->e->code;
  has_lm |= has_models; /* models[0] */
  if (!has_models &&
      (key_given(DEV_KEYS, seen, "swap_s") || key_given(DEV_KEYS, seen, "storage_gbs"))) {
    key_join(p, sizeof p, path, key_given(DEV_KEYS, seen, "swap_s") ? "swap_s" : "storage_gbs");
    return key_fail(c, p, "only with `models` (the LMs a device stores and swaps between)");
  }
  /* Instances of an entry with count > 1 are named NAME[k]: a name with a
   * bracket could be another entry's instance name ("a[0]" beside "a" with
   * count 2), so brackets are refused. */
  if (key_given(DEV_KEYS, seen, "name") && strpbrk(d->name, "[]")) {
    key_join(p, sizeof p, path, "name");
    return key_fail(c, p,
                    "must not contain '[' or ']' (instances of an entry with count > 1 are named "
                    "NAME[k]), got \"%s\"",
                    d->name);
  }
  if (has_profile != has_lm) {
    key_join(p, sizeof p, path, has_profile ? "lm" : "profile");
    return key_fail(c, p, "required key is missing (\"profile\" and \"lm\" go together)");
  }
  if (has_profile && profile_apply(c, d, DEV_KEYS, seen, path))
    return has_models ? lm_is_models0(c->e, path) : c->e->code;
  if (!key_given(DEV_KEYS, seen, "name")) { /* no name: the profile's, else device<i> */
    if (has_profile)
      snprintf(d->name, sizeof d->name, "%s", d->profile);
    else
      snprintf(d->name, sizeof d->name, "device%zu", i);
  }
  for (int k = 0; DEV_NEEDED[k]; k++) {
    if (key_given(DEV_KEYS, seen, DEV_NEEDED[k]) || (has_profile && k >= 2)) /* profile gave it */
      continue;
    const key_row *row = DEV_KEYS;
    while (strcmp(row->key, DEV_NEEDED[k]))
      row++;
    key_join(p, sizeof p, path, row->key);
    return key_fail(c, p, "required key is missing (%s)", row->help);
  }
  if (d->power_idle_w > d->power_active_w) {
    key_join(p, sizeof p, path, "power_idle_w");
    return key_fail(c, p, "must be <= power_active_w (%.15g), got %.15g", d->power_active_w,
                    d->power_idle_w);
  }
  if (check_service(c, d, seen, path))
    return c->e->code;
  return has_models ? fill_models(c, d, seen, path) : 0;
}

typedef struct named {
  const char *name;
  size_t i;
} named;

static int cmp_named(const void *a, const void *b) {
  const named *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->i > y->i) - (x->i < y->i); /* equal names in file order */
}

/* Names are unique: checked by sorting, O(n log n), not all pairs. Reports
 * the earliest entry whose name an earlier entry has. */
static int check_unique_names(kctx *c, const scn *s, const char *path) {
  named *v = malloc(s->ndev * sizeof *v);
  if (!v)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  for (size_t i = 0; i < s->ndev; i++)
    v[i] = (named){s->dev[i].name, i};
  qsort(v, s->ndev, sizeof *v, cmp_named);
  size_t first = 0, dup = SIZE_MAX;
  for (size_t k = 1; k < s->ndev; k++)
    if (!strcmp(v[k].name, v[k - 1].name) && (k < 2 || strcmp(v[k].name, v[k - 2].name)) &&
        v[k].i < dup)
      dup = v[k].i, first = v[k - 1].i; /* the second use of a name, and the first */
  free(v);
  if (dup == SIZE_MAX)
    return 0;
  char p[96];
  snprintf(p, sizeof p, "%s[%zu].name", path, dup);
  return key_fail(c, p, "\"%s\" is already the name of devices[%zu]; names must be unique",
                  s->dev[dup].name, first);
}

static int parse_devices(kctx *c, const cJSON *arr, const char *path, const key_row *r, char *b) {
  (void)r;
  scn *s = (scn *)b;
  int n = cJSON_GetArraySize(arr);
  if (!cJSON_IsArray(arr) || n < 1) {
    char got[96];
    key_count_text(arr, got, sizeof got);
    return key_fail(c, path, "must be a non-empty array of device objects, got %s", got);
  }
  if (!(s->dev = calloc((size_t)n, sizeof *s->dev)))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  s->ndev = (size_t)n;
  s->ninst = 0;
  const cJSON *it = arr->child; /* a linear walk: indexed access is O(n) per item */
  for (int i = 0; i < n; i++, it = it->next) {
    char p[64];
    uint64_t seen = 0;
    snprintf(p, sizeof p, "%s[%d]", path, i);
    s->dev[i].quality = -1; /* unknown unless given or inherited */
    if (key_parse_obj(c, it, p, DEV_KEYS, (char *)&s->dev[i], &seen) ||
        check_device(c, &s->dev[i], seen, p, (size_t)i))
      return c->e->code;
    for (size_t k = 0; k < s->dev[i].nlms; k++) /* completion classes after the entries' */
      s->dev[i].lms[k].lm_class = s->ndev + s->nlms++;
    s->ninst += s->dev[i].count;
    if (s->ninst > SCN_MAX_DEVICES)
      return key_fail(c, path,
                      "at most %u device instances in all (sum of counts), got %llu so far",
                      SCN_MAX_DEVICES, (unsigned long long)s->ninst);
  }
  return check_unique_names(c, s, path);
}

/* ---- rules across objects ------------------------------------------------------ */

int scn_check_requests(kctx *c, const char *path, double expected, double duration_s) {
  if (expected > SCN_MAX_REQUESTS)
    return key_fail(
        c, path, "up to %.3g requests in duration_s (%.15g); at most %.3g are allowed in one run",
        expected, duration_s, SCN_MAX_REQUESTS);
  return 0;
}

/* A device's `limiter` object over the scenario's: keys it does not give
 * are the scenario's (its kind-specific keys only when the kind is the
 * same). */
static int resolve_device_limiter(kctx *c, const cJSON *top, scn_device *d, const char *path) {
  if (!cJSON_IsObject(d->lim_json)) {
    char got[96];
    ifile_describe(d->lim_json, got, sizeof got);
    return key_fail(c, path, "must be an object, got %s", got);
  }
  const cJSON *kind = cJSON_GetObjectItemCaseSensitive(d->lim_json, "kind");
  int same_kind = !kind || (cJSON_IsString(kind) &&
                            !strcmp(kind->valuestring, scn_limiter_name(&((scn *)c->user)->lim)));
  cJSON *merged = cJSON_Duplicate(d->lim_json, 1);
  if (!merged)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  const cJSON *it;
  cJSON_ArrayForEach(it, top) {
    if (cJSON_GetObjectItemCaseSensitive(merged, it->string))
      continue;
    int common = !strcmp(it->string, "kind") || !strcmp(it->string, "window_s");
    if (!common && !same_kind)
      continue;
    cJSON *copy = cJSON_Duplicate(it, 1);
    if (!copy || !cJSON_AddItemToObject(merged, it->string, copy)) {
      cJSON_Delete(copy);
      cJSON_Delete(merged);
      return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
    }
  }
  int rc = parse_limiter(c, merged, path, &d->lim);
  cJSON_Delete(merged);
  d->own_lim = 1;
  return rc;
}

static int check_window(kctx *c, const scn *s, const scn_lim *l, const char *path) {
  char p[512];
  key_join(p, sizeof p, path, "window_s");
  if (l->window_s > s->duration_s)
    return key_fail(c, p, "must be <= duration_s (%.15g), got %.15g", s->duration_s, l->window_s);
  return 0;
}

static int check_limiters(kctx *c, const cJSON *root) {
  scn *s = c->user;
  const cJSON *top = cJSON_GetObjectItemCaseSensitive(root, "limiter");
  if (check_window(c, s, &s->lim, "limiter"))
    return c->e->code;
  for (size_t i = 0; i < s->ndev; i++) {
    scn_device *d = &s->dev[i];
    char p[64];
    snprintf(p, sizeof p, "devices[%zu].limiter", i);
    if (!d->lim_json) {
      d->lim = s->lim; /* borrowed */
      continue;
    }
    if (resolve_device_limiter(c, top, d, p) || check_window(c, s, &d->lim, p))
      return c->e->code;
  }
  return 0;
}

/* dispatch.attempts and the policy's own keys against the device count. */
static int check_dispatch(kctx *c, const scn *s) {
  if (s->disp.attempts > s->ninst)
    return key_fail(c, "dispatch.attempts",
                    "must be <= the number of device instances (%zu), got %llu", s->ninst,
                    (unsigned long long)s->disp.attempts);
  return s->disp.ops->validate ? s->disp.ops->validate(c, s, s->disp.cfg) : 0;
}

static int check_rules(kctx *c, const cJSON *root) {
  scn *s = c->user;
  if (s->wl.ops->validate && s->wl.ops->validate(c, s, s->wl.cfg))
    return c->e->code;
  if (check_limiters(c, root) || check_dispatch(c, s))
    return c->e->code;
  s->ext = s->has_slo; /* adapt_check_scn reads it */
  for (size_t i = 0; i < s->ndev; i++)
    s->ext |= s->dev[i].has_queue || s->dev[i].service != SCN_SERVICE_FIXED ||
              s->dev[i].has_prefill || s->dev[i].curve_given;
  if (adapt_check_scn(c, s)) /* adapt.h: limiter.adapt's rules */
    return c->e->code;
  if (cloud_check_cfg(c, s) || flt_check_cfg(c, s))
    return c->e->code;
  s->has_quality = s->cloud.quality >= 0;
  for (size_t i = 0; i < s->ndev; i++)
    s->has_quality &= s->dev[i].quality >= 0;
  return route_check_cfg(c, s); /* route.h: difficulty, accuracy curves, routing */
}

/* ---- load ---------------------------------------------------------------------- */

/* The file's stem (at most 100 bytes, cut at a UTF-8 boundary), with each
 * character a name may not hold (names.h) replaced by one '_'. */
static void default_name(scn *s, const char *file) {
  const char *b = strrchr(file, '/');
  b = b ? b + 1 : file;
  size_t l = strcspn(b, ".");
  if (l > 100) {
    l = 100;
    while (l && ((unsigned char)b[l] & 0xC0) == 0x80)
      l--;
  }
  snprintf(s->name, sizeof s->name, "%.*s", (int)l, b);
  if (!s->name[0])
    snprintf(s->name, sizeof s->name, "scenario");
  size_t pos;
  while (es_name_bad_char(s->name, &pos)) {
    unsigned char c = (unsigned char)s->name[pos];
    size_t k = c == 0xC2 ? 2 : c == 0xE2 ? 3 : 1; /* C1 controls; bidi controls */
    s->name[pos] = '_';
    memmove(s->name + pos + 1, s->name + pos + k, strlen(s->name + pos + k) + 1);
  }
}

/* Parses, overrides and validates the text of `file` (buf[len] == 0). */
static int load_text(const char *file, const char *buf, size_t len, const char *const *sets,
                     size_t nsets, const char *mdir, scn **out, es_err *e) {
  char mbuf[1024];
  cJSON *root;
  *out = NULL;
  int rc = key_parse_json(file, buf, len, &root, e);
  if (rc)
    return rc;
  if (!cJSON_IsObject(root)) {
    char got[96];
    ifile_describe(root, got, sizeof got);
    rc = es_fail(e, ES_EINPUT, "%s: the top level must be a JSON object, got %s", file, got);
  }
  for (size_t i = 0; i < nsets && !rc; i++)
    rc = setpatch_apply(file, root, sets[i], e);
  scn *s = rc ? NULL : calloc(1, sizeof *s);
  if (!rc && !s)
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (!rc && s) {
    kctx c = {.file = file, .e = e, .user = s};
    c.models_dir = profile_models_dir(file, mdir, mbuf, sizeof mbuf);
    snprintf(s->file, sizeof s->file, "%s", file);
    s->cloud.quality = -1; /* unknown unless given */
    uint64_t seen = 0;
    rc = key_parse_obj(&c, root, "", TOP_KEYS, (char *)s, &seen);
    if (!rc)
      rc = check_rules(&c, root);
    if (!rc && !key_given(TOP_KEYS, seen, "name")) /* default name: file stem */
      default_name(s, file);
    profile_cache_drop(&c);
  }
  for (size_t i = 0; s && i < s->ndev; i++)
    s->dev[i].lim_json = NULL, s->dev[i].models_json = NULL; /* the tree goes now */
  cJSON_Delete(root);
  if (rc) {
    scn_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int scn_load(const char *file, const char *const *sets, size_t nsets, const char *mdir, scn **out,
             es_err *e) {
  char *buf;
  size_t len;
  *out = NULL;
  if (ifile_read(file, "a JSON file", &buf, &len, e))
    return e->code;
  int rc = load_text(file, buf, len, sets, nsets, mdir, out, e);
  free(buf);
  return rc;
}

int scn_load_buffer(const char *name, const char *data, size_t len, const char *const *sets,
                    size_t nsets, const char *mdir, scn **out, es_err *e) {
  *out = NULL;
  if (len > IFILE_MAX_BYTES)
    return es_fail(e, ES_EINPUT, "%s: file is larger than the limit of %u bytes", name,
                   IFILE_MAX_BYTES);
  char *buf = malloc(len + 1); /* ifile_parse_json wants a terminated copy */
  if (!buf)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (len)
    memcpy(buf, data, len);
  buf[len] = 0;
  int rc = load_text(name, buf, len, sets, nsets, mdir, out, e);
  free(buf);
  return rc;
}

void scn_free(scn *s) {
  if (!s)
    return;
  for (size_t i = 0; s->dev && i < s->ndev; i++)
    if (s->dev[i].own_lim) /* ops is NULL when its kind was refused */
      kind_cfg_free(s->dev[i].lim.ops ? &s->dev[i].lim.ops->h : NULL, s->dev[i].lim.cfg);
  for (size_t i = 0; s->dev && i < s->ndev; i++)
    free(s->dev[i].curve_n), free(s->dev[i].curve_a);
  kind_cfg_free(s->wl.ops ? &s->wl.ops->h : NULL, s->wl.cfg);
  kind_cfg_free(s->lim.ops ? &s->lim.ops->h : NULL, s->lim.cfg);
  kind_cfg_free(s->disp.ops ? &s->disp.ops->h : NULL, s->disp.cfg);
  cloud_cfg_free(&s->cx);
  route_cfg_free(s);
  free(s->dev);
  free(s);
}

/* ---- names and help --------------------------------------------------------------- */

const char *scn_policy_name(const scn *s) { return s->disp.ops->h.name; }
const char *scn_workload_name(const scn *s) { return s->wl.ops->h.name; }
const char *scn_limiter_name(const scn_lim *l) { return l->ops->h.name; }
double scn_step_s(const scn *s) { return s->wl.ops->step_s ? s->wl.ops->step_s(s->wl.cfg) : 0; }
double scn_expected_requests(const scn *s) { return s->wl.ops->expected(s->wl.cfg, s->duration_s); }

void scn_print_keys(FILE *f) {
  key_print_line(f, "key", "type", "default", "meaning", NULL);
  for (const key_row *r = TOP_KEYS; r->key; r++) {
    if (r->type != K_FUNC) {
      key_print_row(f, r, "", NULL);
      continue;
    }
    key_print_line(f, r->key, r->type_text, r->flags & K_REQ ? "required" : "-", r->help, NULL);
    if (r->fn == parse_workload)
      key_print_kinds(f, &WL_REGISTRY, "workload");
    else if (r->fn == parse_top_limiter)
      key_print_kinds(f, &LIM_REGISTRY, "limiter");
    else if (r->fn == parse_dispatch)
      key_print_kinds(f, &DISP_REGISTRY, "dispatch");
    else if (r->fn == parse_routing)
      key_print_kinds(f, &ROUTE_REGISTRY, "routing");
    else if (r->fn == parse_devices)
      key_print_rows(f, DEV_KEYS, "devices[]", NULL);
  }
}
