/* scenario.c: scenario files -> validated `scn`.
 *
 * Every key is one row of a key table (Redis config style): its type,
 * bounds, default and meaning. Parsing, defaults, unknown-key errors, the
 * `--help` key list and README's key table all come from these rows. Rows of
 * nested objects keep offsets from the root `scn`, so one recursive walker
 * fills the whole struct. Rules that tie keys together (burst shorter than
 * its period, kind-dependent keys, profiles) come after the table pass.
 */
#include "scenario.h"

#include "ifile.h"
#include "jsoncheck.h"
#include "trace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#ifndef EDGESIM_SOURCE_DIR
#define EDGESIM_SOURCE_DIR "."
#endif

enum ftype { F_NUM, F_INT, F_STR, F_BOOL, F_ENUM, F_DIST, F_OBJ, F_DEVICES };
enum { REQ = 1, LOX = 2 }; /* required; lower bound exclusive */
enum { M_TOP, M_WL, M_BURST, M_LIM, M_DISP, M_CLOUD, M_ENERGY, M_UTIL, M_COUNT };

typedef struct field {
  const char *key;
  enum ftype type;
  size_t off, size; /* offset from the table's base; STR buffer size */
  double lo, hi;    /* NUM and INT bounds */
  unsigned flags;
  const char *dflt; /* JSON text of the default; NULL: none */
  const void *sub;  /* OBJ: row table; ENUM: NULL-terminated names */
  int slot;         /* OBJ: where the nested object's key mask goes */
  const char *help;
} field;

static const char *const WL_KINDS[] = {"steps", "poisson", "trace", NULL};
static const char *const POLICIES[] = {"random", "weighted", "load_aware", NULL};
static const char *const LIM_KINDS[] = {"sliding_window", NULL};

#define OFF(m) offsetof(scn, m)
#define DOFF(m) offsetof(scn_device, m)
#define INF HUGE_VAL

/* Row makers: key, where, bounds, flags, default (JSON text), meaning. */
#define NUM(k, off, lo, hi, fl, d, help)                                                           \
  { k, F_NUM, off, 0, lo, hi, fl, d, NULL, 0, help }
#define INT(k, off, lo, hi, fl, d, help)                                                           \
  { k, F_INT, off, 0, lo, hi, fl, d, NULL, 0, help }
#define STR(k, off, size, help)                                                                    \
  { k, F_STR, off, size, 0, 0, 0, NULL, NULL, 0, help }
#define BOOL(k, off, d, help)                                                                      \
  { k, F_BOOL, off, 0, 0, 0, 0, d, NULL, 0, help }
#define ENUM(k, off, names, fl, d, help)                                                           \
  { k, F_ENUM, off, 0, 0, 0, fl, d, names, 0, help }
#define DIST(k, off, fl, d, help)                                                                  \
  { k, F_DIST, off, 0, 0, 0, fl, d, NULL, 0, help }
#define OBJ(k, tab, slot, fl, d, help)                                                             \
  { k, F_OBJ, 0, 0, 0, 0, fl, d, tab, slot, help }

static const field BURST_KEYS[] = {
    NUM("every_s", OFF(wl.burst_every_s), 0, INF, REQ | LOX, NULL, "period of bursts, seconds"),
    NUM("length_s", OFF(wl.burst_length_s), 0, INF, REQ, NULL,
        "burst length at the start of each period, seconds (<= every_s)"),
    NUM("p_active", OFF(wl.burst_p_active), 0, 1, REQ, NULL,
        "probability a user is active in a step that starts inside a burst"),
    {0}};

/* Row numbers matter: check_rules() tests mask bits by WL_* below. */
static const field WL_KEYS[] = {
    ENUM("kind", OFF(wl.kind), WL_KINDS, 0, "\"steps\"",
         "steps (the paper's users in time steps), poisson, or trace (replay a file)"),
    INT("users", OFF(wl.users), 1, SCN_MAX_USERS, 0, NULL, "steps: number of users"),
    NUM("step_s", OFF(wl.step_s), 0, SCN_MAX_DURATION_S, LOX, "60", "steps: step length, seconds"),
    NUM("p_active", OFF(wl.p_active), 0, 1, 0, NULL,
        "steps: probability a user sends one request in a step"),
    OBJ("burst", BURST_KEYS, M_BURST, 0, NULL, "steps: bursts of higher activity (absent: steady)"),
    NUM("rate_per_s", OFF(wl.rate_per_s), 0, 1e9, LOX, NULL,
        "poisson: arrival rate, requests per second"),
    DIST("prompt_tokens", OFF(wl.prompt), 0, "48",
         "steps, poisson: prompt tokens per request: integer or {values, weights}"),
    DIST("tokens", OFF(wl.tokens), 0, NULL,
         "steps, poisson: output tokens per request: integer or {values, weights}"),
    STR("file", OFF(wl.trace_file), sizeof(((scn *)0)->wl.trace_file),
        "trace: CSV of TIME,PROMPT,OUTPUT rows (relative to the scenario's folder)"),
    NUM("time_scale", OFF(wl.time_scale), 0, 1e6, LOX, NULL,
        "trace: factor on the trace's times (2: half the rate; default 1)"),
    {0}};
enum { W_USERS = 1, W_STEP, W_PACTIVE, W_BURST, W_RATE, W_PROMPT, W_TOKENS, W_FILE, W_SCALE };

static const field LIM_KEYS[] = {
    ENUM("kind", OFF(lim.kind), LIM_KINDS, 0, "\"sliding_window\"", "limiter kind"),
    /* at least 1 ms: a limit "C tokens per 1e-320 s" is no limit at all (the
     * window is empty before the next arrival), which hides a typo */
    NUM("window_s", OFF(lim.window_s), 1e-3, SCN_MAX_DURATION_S, REQ, NULL,
        "window length W, seconds (>= 0.001, <= duration_s)"),
    {0}};

static const field DISP_KEYS[] = {ENUM("policy", OFF(policy), POLICIES, REQ, NULL,
                                       "random, weighted (by token capacity) or load_aware"),
                                  {0}};

static const field CLOUD_KEYS[] = {
    BOOL("enabled", OFF(cloud.enabled), "true",
         "redirect edge rejections to the cloud (false: drop them)"),
    NUM("price_in_usd_per_mtok", OFF(cloud.price_in), 0, 1e6, 0, "30",
        "price of prompt tokens, USD per million"),
    NUM("price_out_usd_per_mtok", OFF(cloud.price_out), 0, 1e6, 0, "60",
        "price of output tokens, USD per million"),
    NUM("rtt_s", OFF(cloud.rtt_s), 0, 3600, 0, "0.05", "network round trip to the cloud, seconds"),
    NUM("ttft_s", OFF(cloud.ttft_s), 0, 3600, 0, "0.71",
        "cloud time to first token, seconds (GPT-4 in the paper)"),
    NUM("tgs", OFF(cloud.tgs), SCN_MIN_TGS, 1e9, 0, "50", "cloud output tokens per second"),
    NUM("quality", OFF(cloud.quality), 0, 1, 0, NULL,
        "Q of the cloud LM in [0, 1] (GPT-4 in the paper: 0.97); for PCR"),
    {0}};

static const field UTIL_KEYS[] = {
    NUM("alpha", OFF(alpha), 0, 1, 0, "0.5",
        "weight of quality Q in the utility U = alpha Q + (1 - alpha) R, R = TTFT"),
    {0}};

static const field ENERGY_KEYS[] = {NUM("price_usd_per_kwh", OFF(energy_price), 0, 1e3, 0, "0.25",
                                        "electricity price, USD per kWh"),
                                    {0}};

/* Row numbers matter: check_device() and apply_profile() test mask bits. */
enum { D_NAME, D_COUNT, D_PROFILE, D_LM, D_CAP, D_PAR, D_TGS, D_TTFT, D_PACT, D_PIDLE, D_Q };
static const field DEV_KEYS[] = {
    STR("name", DOFF(name), SCN_NAME_MAX, "device name (default: the profile, else device<i>)"),
    INT("count", DOFF(count), 1, SCN_MAX_DEVICES, 0, "1", "identical instances of this device"),
    STR("profile", DOFF(profile), SCN_NAME_MAX,
        "profile in models/profiles/ whose numbers the device inherits"),
    STR("lm", DOFF(lm), SCN_NAME_MAX, "language model of the profile (with profile)"),
    INT("token_capacity", DOFF(token_capacity), 1, SCN_MAX_TOKEN_CAPACITY, 0, NULL,
        "C: output tokens admitted per window, at most 2^32 - 2"),
    INT("max_parallel", DOFF(max_parallel), 1, 1e6, 0, NULL, "P: requests in flight at once"),
    NUM("tgs", DOFF(tgs), SCN_MIN_TGS, 1e9, 0, NULL,
        "output tokens per second per request (profile)"),
    NUM("ttft_s", DOFF(ttft_s), 0, 3600, 0, NULL, "time to first token, seconds (profile)"),
    NUM("power_active_w", DOFF(power_active_w), 0, 1e6, 0, NULL,
        "power with >= 1 request in flight, watts (profile)"),
    NUM("power_idle_w", DOFF(power_idle_w), 0, 1e6, 0, NULL,
        "power when idle, watts (profile; <= power_active_w)"),
    NUM("quality", DOFF(quality), 0, 1, 0, NULL,
        "Q of its LM in [0, 1], for PCR (profile, where published)"),
    {0}};

static const field TOP_KEYS[] = {
    STR("name", OFF(name), sizeof(((scn *)0)->name), "scenario name (default: the file name)"),
    INT("seed", OFF(seed), 0, 9007199254740992.0, 0, "1", "base random seed (--seed overrides)"),
    NUM("duration_s", OFF(duration_s), 0, SCN_MAX_DURATION_S, REQ | LOX, NULL,
        "simulated horizon, seconds"),
    OBJ("workload", WL_KEYS, M_WL, REQ, NULL, "the demand"),
    {"devices", F_DEVICES, 0, 0, 0, 0, REQ, NULL, DEV_KEYS, 0, "the edge devices"},
    OBJ("limiter", LIM_KEYS, M_LIM, REQ, NULL, "per-device rate limiter"),
    OBJ("dispatch", DISP_KEYS, M_DISP, REQ, NULL, "device selection"),
    OBJ("cloud", CLOUD_KEYS, M_CLOUD, 0, "{}", "cloud fallback"),
    OBJ("energy", ENERGY_KEYS, M_ENERGY, 0, "{}", "energy pricing"),
    OBJ("utility", UTIL_KEYS, M_UTIL, 0, "{}", "the paper's utility, for PCR"),
    {0}};

/* ---- parsing context ---------------------------------------------------- */

typedef struct ctx {
  const char *file;
  es_err *e;
  scn *s;
  uint64_t mask[M_COUNT]; /* which keys of each object were present */
} ctx;

static int fail(ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ctx *c, const char *path, const char *fmt, ...) {
  char what[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (path && *path)
    return es_fail(c->e, ES_EINPUT, "%s: %s: %s", c->file, path, what);
  return es_fail(c->e, ES_EINPUT, "%s: %s", c->file, what);
}

static void join(char *out, size_t n, const char *path, const char *key) {
  if (*path)
    snprintf(out, n, "%s.%s", path, key);
  else
    snprintf(out, n, "%s", key);
}

static void bounds_text(const field *f, char *buf, size_t n) {
  const char *what = f->type == F_INT ? "an integer" : "a number";
  if (isinf(f->hi))
    snprintf(buf, n, "%s %s %.16g", what, f->flags & LOX ? ">" : ">=", f->lo);
  else
    snprintf(buf, n, "%s in %c%.16g, %.16g]", what, f->flags & LOX ? '(' : '[', f->lo, f->hi);
}

/* ---- values --------------------------------------------------------------- */

static int get_number(ctx *c, const char *path, const cJSON *v, const field *f, double *out) {
  char got[96], want[96];
  ifile_describe(v, got, sizeof got);
  bounds_text(f, want, sizeof want);
  if (!cJSON_IsNumber(v))
    return fail(c, path, "must be %s, got %s", want, got);
  double x = v->valuedouble;
  if (!isfinite(x))
    return fail(c, path, "must be %s, got a number too large for a double", want);
  if (f->type == F_INT && (fabs(x) > 9007199254740992.0 || floor(x) != x))
    return fail(c, path, "must be %s, got %s", want, got);
  if (x < f->lo || ((f->flags & LOX) && x == f->lo) || x > f->hi)
    return fail(c, path, "must be %s, got %s", want, got);
  *out = x;
  return 0;
}

static int get_enum(ctx *c, const char *path, const cJSON *v, const char *const *names, int *out) {
  if (cJSON_IsString(v))
    for (int i = 0; names[i]; i++)
      if (!strcmp(v->valuestring, names[i]))
        return *out = i, 0;
  char got[96], allowed[256] = "";
  ifile_describe(v, got, sizeof got);
  for (int i = 0; names[i]; i++) {
    size_t l = strlen(allowed);
    snprintf(allowed + l, sizeof allowed - l, "%s\"%s\"", i ? ", " : "", names[i]);
  }
  return fail(c, path, "must be one of %s, got %s", allowed, got);
}

#define NAME_BAD_CHARS                                                                             \
  "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"       \
  "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f,\""

static int get_string(ctx *c, const char *path, const cJSON *v, char *out, size_t size) {
  char got[96];
  ifile_describe(v, got, sizeof got);
  if (!cJSON_IsString(v))
    return fail(c, path, "must be a string, got %s", got);
  size_t n = strlen(v->valuestring);
  if (n == 0 || n >= size)
    return fail(c, path, "must be a string of 1 to %zu characters, got %s", size - 1, got);
  /* Names end up in CSV rows, TSV headers and messages: keep them one field. */
  size_t bad = strcspn(v->valuestring, NAME_BAD_CHARS);
  if (bad < n)
    return fail(c, path, "must not contain control characters, ',' or '\"' (character %zu)",
                bad + 1);
  memcpy(out, v->valuestring, n + 1);
  return 0;
}

static const field DIST_VALUE = {"values[]", F_INT, 0, 0, 1, 1e9, 0, NULL, NULL, 0, ""};
static const field DIST_WEIGHT = {"weights[]", F_NUM, 0, 0, 0, 1e300, 0, NULL, NULL, 0, ""};

/* "an array of N items" or what the value is, for "got ..." in messages. */
static void count_text(const cJSON *v, char *buf, size_t n) {
  if (!cJSON_IsArray(v))
    ifile_describe(v, buf, n);
  else if (!v->child)
    snprintf(buf, n, "an empty array");
  else
    snprintf(buf, n, "an array of %d", cJSON_GetArraySize(v));
}

static int get_dist_arrays(ctx *c, const char *path, const cJSON *v, dist *d) {
  const cJSON *vals = NULL, *wts = NULL, *it;
  cJSON_ArrayForEach(it, v) {
    char p[512];
    join(p, sizeof p, path, it->string);
    if (!strcmp(it->string, "values") && !vals)
      vals = it;
    else if (!strcmp(it->string, "weights") && !wts)
      wts = it;
    else if (!strcmp(it->string, "values") || !strcmp(it->string, "weights"))
      return fail(c, p, "duplicate key");
    else
      return fail(c, p, "unknown key; allowed here: values, weights");
  }
  if (!vals || !wts)
    return fail(c, path, "a distribution needs both \"values\" and \"weights\"");
  int n = cJSON_GetArraySize(vals);
  char p[512];
  join(p, sizeof p, path, "values");
  char got[96];
  if (!cJSON_IsArray(vals) || n < 1 || n > (int)SCN_MAX_DIST_VALUES) {
    count_text(vals, got, sizeof got);
    return fail(c, p, "must be an array of 1 to %u integers, got %s", SCN_MAX_DIST_VALUES, got);
  }
  join(p, sizeof p, path, "weights");
  if (!cJSON_IsArray(wts) || cJSON_GetArraySize(wts) != n) {
    count_text(wts, got, sizeof got);
    return fail(c, p, "must be an array of %d numbers, one per value, got %s", n, got);
  }
  uint64_t vv[SCN_MAX_DIST_VALUES];
  double ww[SCN_MAX_DIST_VALUES], sum = 0, x;
  for (int i = 0; i < n; i++) {
    snprintf(p, sizeof p, "%s.values[%d]", path, i);
    if (get_number(c, p, cJSON_GetArrayItem(vals, i), &DIST_VALUE, &x))
      return c->e->code;
    vv[i] = (uint64_t)x;
    snprintf(p, sizeof p, "%s.weights[%d]", path, i);
    if (get_number(c, p, cJSON_GetArrayItem(wts, i), &DIST_WEIGHT, &ww[i]))
      return c->e->code;
    sum += ww[i];
  }
  join(p, sizeof p, path, "weights");
  if (!(sum > 0) || !isfinite(sum))
    return fail(c, p, "must have a positive sum, got %.16g", sum);
  if (dist_init(d, vv, ww, (size_t)n))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  return 0;
}

static int get_dist(ctx *c, const char *path, const cJSON *v, dist *d) {
  dist_destroy(d);
  if (cJSON_IsObject(v))
    return get_dist_arrays(c, path, v, d);
  char got[96];
  ifile_describe(v, got, sizeof got);
  double x;
  if (!cJSON_IsNumber(v))
    return fail(c, path,
                "must be an integer in [1, 1e9] or {\"values\": [...], "
                "\"weights\": [...]}, got %s",
                got);
  if (get_number(c, path, v, &DIST_VALUE, &x))
    return c->e->code;
  uint64_t one = (uint64_t)x;
  double w = 1;
  if (dist_init(d, &one, &w, 1))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  return 0;
}

/* ---- objects --------------------------------------------------------------- */

static int parse_obj(ctx *c, const cJSON *obj, const char *path, const field *tab, char *base,
                     uint64_t *mask);
static int parse_devices(ctx *c, const cJSON *arr, const char *path);

static int parse_value(ctx *c, const cJSON *v, const char *path, const field *f, char *base) {
  double x;
  switch (f->type) {
  case F_NUM:
    if (get_number(c, path, v, f, &x))
      return c->e->code;
    *(double *)(base + f->off) = x;
    return 0;
  case F_INT:
    if (get_number(c, path, v, f, &x))
      return c->e->code;
    *(uint64_t *)(base + f->off) = (uint64_t)x;
    return 0;
  case F_STR:
    return get_string(c, path, v, base + f->off, f->size);
  case F_BOOL:
    if (!cJSON_IsBool(v)) {
      char got[96];
      ifile_describe(v, got, sizeof got);
      return fail(c, path, "must be true or false, got %s", got);
    }
    *(int *)(base + f->off) = cJSON_IsTrue(v);
    return 0;
  case F_ENUM: {
    int k = 0;
    if (get_enum(c, path, v, f->sub, &k))
      return c->e->code;
    *(int *)(base + f->off) = k;
    return 0;
  }
  case F_DIST:
    return get_dist(c, path, v, (dist *)(base + f->off));
  case F_OBJ:
    return parse_obj(c, v, path, f->sub, base, &c->mask[f->slot]);
  case F_DEVICES:
    return parse_devices(c, v, path);
  }
  return 0;
}

static int parse_default(ctx *c, const char *path, const field *f, char *base) {
  cJSON *v = cJSON_Parse(f->dflt);
  if (!v)
    return es_fail(c->e, ES_ERUNTIME, "internal: bad default for %s", path);
  int rc = parse_value(c, v, path, f, base);
  cJSON_Delete(v);
  return rc;
}

static int parse_obj(ctx *c, const cJSON *obj, const char *path, const field *tab, char *base,
                     uint64_t *mask) {
  if (!cJSON_IsObject(obj)) {
    char got[96];
    ifile_describe(obj, got, sizeof got);
    return fail(c, path, "must be an object, got %s", got);
  }
  *mask = 0;
  const cJSON *it;
  char p[512];
  cJSON_ArrayForEach(it, obj) {
    join(p, sizeof p, path, it->string);
    char msg[600];
    int i = ifile_key(it->string, tab, sizeof *tab, mask, msg, sizeof msg);
    if (i < 0) /* unknown or duplicate */
      return fail(c, p, "%s", msg);
    if (parse_value(c, it, p, &tab[i], base))
      return c->e->code;
  }
  for (size_t i = 0; tab[i].key; i++) {
    if (*mask & (1ull << i))
      continue;
    join(p, sizeof p, path, tab[i].key);
    if (tab[i].flags & REQ)
      return fail(c, p, "required key is missing (%s)", tab[i].help);
    if (tab[i].dflt && parse_default(c, p, &tab[i], base))
      return c->e->code;
  }
  return 0;
}

/* ---- profiles ---------------------------------------------------------------- */

static const char *g_models_dir;

static int valid_name(const char *s) {
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '.' || *s == '_' || *s == '-'))
      return 0;
  return 1;
}

/* Reads a positive (or non-negative) number `key` of profile object `o`. */
static int profile_num(ctx *c, const char *pfile, const cJSON *o, const char *where, int row,
                       double *out) {
  /* The profile's numbers obey the same bounds as the device keys. */
  const field *f = &DEV_KEYS[row];
  char path[256];
  snprintf(path, sizeof path, "%s%s", where, f->key);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f->key);
  if (!v)
    return es_fail(c->e, ES_EINPUT, "%s: %s: required key is missing (%s)", pfile, path, f->help);
  const char *file = c->file;
  c->file = pfile;
  int rc = get_number(c, path, v, f, out);
  c->file = file;
  return rc;
}

static int cmp_names(const void *a, const void *b) { return strcmp(a, b); }

/* The names of the profiles in the models directory, sorted, comma-separated
 * (the first 32). */
static void list_profiles(char *buf, size_t n) {
  char dir[1024], names[32][SCN_NAME_MAX];
  size_t k = 0;
  snprintf(dir, sizeof dir, "%s/profiles", g_models_dir);
  DIR *d = opendir(dir);
  const struct dirent *ent;
  while (d && (ent = readdir(d)) && k < 32) {
    size_t len = strlen(ent->d_name);
    if (len > 5 && len - 5 < SCN_NAME_MAX && ent->d_name[0] != '.' &&
        !strcmp(ent->d_name + len - 5, ".json"))
      snprintf(names[k++], SCN_NAME_MAX, "%.*s", (int)(len - 5), ent->d_name);
  }
  if (d)
    closedir(d);
  qsort(names, k, sizeof names[0], cmp_names);
  snprintf(buf, n, "%s", k ? "" : "none");
  for (size_t i = 0, l = 0; i < k && l < n; i++, l = strlen(buf))
    snprintf(buf + l, n - l, "%s%.63s", i ? ", " : "", names[i]); /* names < SCN_NAME_MAX */
}

static int apply_profile(ctx *c, scn_device *d, uint64_t mask, const char *path) {
  char p[512], pfile[1024];
  join(p, sizeof p, path, "profile");
  if (!valid_name(d->profile))
    return fail(c, p, "must use only letters, digits, '.', '_' and '-', got \"%s\"", d->profile);
  snprintf(pfile, sizeof pfile, "%s/profiles/%s.json", g_models_dir, d->profile);
  struct stat st;
  if (stat(pfile, &st) != 0) {
    char have[512];
    list_profiles(have, sizeof have);
    return fail(c, p, "no profile \"%s\" (looked for %s; there are: %s)", d->profile, pfile, have);
  }
  char *buf;
  size_t len;
  cJSON *root;
  if (ifile_read(pfile, "a JSON file", &buf, &len, c->e))
    return c->e->code;
  int rc = ifile_parse_json(pfile, buf, len, &root, c->e);
  free(buf);
  if (rc)
    return rc;
  const cJSON *lms = cJSON_GetObjectItemCaseSensitive(root, "lm");
  const cJSON *lm = cJSON_GetObjectItemCaseSensitive(lms, d->lm);
  char where[256];
  snprintf(where, sizeof where, "lm.%s.", d->lm);
  join(p, sizeof p, path, "lm");
  const cJSON *fits = cJSON_GetObjectItemCaseSensitive(lm, "fits");
  double v[4] = {0}; /* initialised: gcc -O3 cannot see the && chain sets them */
  if (!cJSON_IsObject(lm)) {
    char have[512] = "";
    const cJSON *it;
    cJSON_ArrayForEach(it, lms) {
      size_t l = strlen(have);
      snprintf(have + l, sizeof have - l, "%s%s", l ? ", " : "", it->string);
    }
    rc = fail(c, p, "profile \"%s\" has no LM \"%s\" (it has: %s)", d->profile, d->lm, have);
  } else if (!cJSON_IsBool(fits)) {
    char got[96] = "";
    if (fits)
      ifile_describe(fits, got, sizeof got);
    rc = fits ? es_fail(c->e, ES_EINPUT, "%s: %sfits: must be true or false, got %s", pfile, where,
                        got)
              : es_fail(c->e, ES_EINPUT, "%s: %sfits: required key is missing (true or false)",
                        pfile, where);
  } else if (!cJSON_IsTrue(fits)) {
    rc = fail(c, p, "\"%s\" does not fit in the memory of \"%s\" (%s says fits: false)", d->lm,
              d->profile, pfile);
  } else if (!(rc = profile_num(c, pfile, root, "", D_PACT, &v[0])) &&
             !(rc = profile_num(c, pfile, root, "", D_PIDLE, &v[1])) &&
             !(rc = profile_num(c, pfile, lm, where, D_TGS, &v[2])) &&
             !(rc = profile_num(c, pfile, lm, where, D_TTFT, &v[3]))) {
    /* Keys given in the scenario override the profile's numbers. */
    if (!(mask >> D_PACT & 1))
      d->power_active_w = v[0];
    if (!(mask >> D_PIDLE & 1))
      d->power_idle_w = v[1];
    if (!(mask >> D_TGS & 1))
      d->tgs = v[2];
    if (!(mask >> D_TTFT & 1))
      d->ttft_s = v[3];
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(lm, "quality");
    if (!(mask >> D_Q & 1) && cJSON_IsNumber(q) && q->valuedouble >= 0 && q->valuedouble <= 1)
      d->quality = q->valuedouble;
  }
  cJSON_Delete(root);
  return rc;
}

/* ---- devices ------------------------------------------------------------------- */

static int check_device(ctx *c, scn_device *d, uint64_t mask, const char *path, size_t i) {
  char p[512];
  int has_profile = mask >> D_PROFILE & 1, has_lm = mask >> D_LM & 1;
  if (has_profile != has_lm) {
    join(p, sizeof p, path, has_profile ? "lm" : "profile");
    return fail(c, p, "required key is missing (\"profile\" and \"lm\" go together)");
  }
  if (has_profile && apply_profile(c, d, mask, path))
    return c->e->code;
  if (!(mask >> D_NAME & 1)) /* no name: the profile's, else device<i> */
  {
    if (has_profile)
      snprintf(d->name, sizeof d->name, "%s", d->profile);
    else
      snprintf(d->name, sizeof d->name, "device%zu", i);
  }
  for (int k = D_CAP; k <= D_PIDLE; k++) {
    if ((mask >> k & 1) || (has_profile && k >= D_TGS)) /* the profile gave it */
      continue;
    join(p, sizeof p, path, DEV_KEYS[k].key);
    return fail(c, p, "required key is missing (%s)", DEV_KEYS[k].help);
  }
  if (d->power_idle_w > d->power_active_w) {
    join(p, sizeof p, path, "power_idle_w");
    return fail(c, p, "must be <= power_active_w (%.15g), got %.15g", d->power_active_w,
                d->power_idle_w);
  }
  return 0;
}

static int parse_devices(ctx *c, const cJSON *arr, const char *path) {
  int n = cJSON_GetArraySize(arr);
  if (!cJSON_IsArray(arr) || n < 1) {
    char got[96];
    count_text(arr, got, sizeof got);
    return fail(c, path, "must be a non-empty array of device objects, got %s", got);
  }
  scn *s = c->s;
  s->dev = calloc((size_t)n, sizeof *s->dev);
  if (!s->dev)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  s->ndev = (size_t)n;
  s->ninst = 0;
  for (int i = 0; i < n; i++) {
    char p[64];
    uint64_t mask;
    snprintf(p, sizeof p, "%s[%d]", path, i);
    s->dev[i].quality = -1; /* unknown unless given or inherited */
    if (parse_obj(c, cJSON_GetArrayItem(arr, i), p, DEV_KEYS, (char *)&s->dev[i], &mask) ||
        check_device(c, &s->dev[i], mask, p, (size_t)i))
      return c->e->code;
    s->ninst += s->dev[i].count;
    if (s->ninst > SCN_MAX_DEVICES)
      return fail(c, path, "at most %u device instances in all (sum of counts), got %llu so far",
                  SCN_MAX_DEVICES, (unsigned long long)s->ninst);
    for (int j = 0; j < i; j++)
      if (!strcmp(s->dev[j].name, s->dev[i].name)) {
        snprintf(p, sizeof p, "%s[%d].name", path, i);
        return fail(c, p, "\"%s\" is already the name of devices[%d]; names must be unique",
                    s->dev[i].name, j);
      }
  }
  return 0;
}

/* ---- rules across keys ------------------------------------------------------------ */

/* Resolves the trace against the scenario's folder and reads it through once,
 * so that a bad row is an input error now, not a failure mid-run. */
static int check_trace(ctx *c) {
  scn *s = c->s;
  const char *f = s->wl.trace_file, *slash = strrchr(c->file, '/');
  if (f[0] == '/' || !slash)
    snprintf(s->wl.trace_path, sizeof s->wl.trace_path, "%s", f);
  else
    snprintf(s->wl.trace_path, sizeof s->wl.trace_path, "%.*s/%s", (int)(slash - c->file), c->file,
             f);
  if (s->wl.time_scale == 0)
    s->wl.time_scale = 1;
  trace tr;
  trace_row row;
  int rc;
  uint64_t rows = 0;
  if (trace_open(&tr, s->wl.trace_path, c->e))
    rc = -1;
  else
    while ((rc = trace_next(&tr, &row, c->e)) == 1)
      rows++;
  trace_close(&tr);
  if (rc == 0 && !rows)
    rc = es_fail(c->e, ES_EINPUT, "%s: the trace has no rows", s->wl.trace_path);
  if (rc) { /* name the scenario and the key too: "S: workload.file: T:LINE: ..." */
    char where[600];
    snprintf(where, sizeof where, "%s: workload.file", c->file);
    es_err_prefix(c->e, where);
    return c->e->code = ES_EINPUT;
  }
  return 0;
}

/* A typo (step_s 1e-9, rate_per_s 1e9 for a year) must not become a run
 * that never ends: bound the steps and the requests a run can generate. */
static int check_run_length(ctx *c) {
  const scn *s = c->s;
  double expected;
  if (s->wl.kind == WL_STEPS) {
    double steps = ceil(s->duration_s / s->wl.step_s);
    if (steps > SCN_MAX_STEPS)
      return fail(c, "workload.step_s",
                  "gives %.15g steps in duration_s (%.15g); at most %.15g "
                  "steps are allowed",
                  steps, s->duration_s, SCN_MAX_STEPS);
    double p = s->wl.p_active;
    if (s->wl.has_burst && s->wl.burst_p_active > p)
      p = s->wl.burst_p_active;
    expected = (double)s->wl.users * p * steps;
  } else {
    expected = s->wl.rate_per_s * s->duration_s;
  }
  if (expected > SCN_MAX_REQUESTS)
    return fail(c, s->wl.kind == WL_STEPS ? "workload.users" : "workload.rate_per_s",
                "up to %.3g requests in duration_s (%.15g); at most %.3g are allowed in one run",
                expected, s->duration_s, SCN_MAX_REQUESTS);
  return 0;
}

static int check_rules(ctx *c) {
  scn *s = c->s;
  uint64_t wl = c->mask[M_WL];
  /* Keys each workload kind needs, and keys it does not use. */
  static const unsigned NEED[] = {[WL_STEPS] = 1u << W_USERS | 1u << W_PACTIVE | 1u << W_TOKENS,
                                  [WL_POISSON] = 1u << W_RATE | 1u << W_TOKENS,
                                  [WL_TRACE] = 1u << W_FILE};
  static const unsigned FORBID[] = {[WL_STEPS] = 1u << W_RATE | 1u << W_FILE | 1u << W_SCALE,
                                    [WL_POISSON] = 1u << W_USERS | 1u << W_STEP | 1u << W_PACTIVE |
                                                   1u << W_BURST | 1u << W_FILE | 1u << W_SCALE,
                                    [WL_TRACE] = 1u << W_USERS | 1u << W_STEP | 1u << W_PACTIVE |
                                                 1u << W_BURST | 1u << W_RATE | 1u << W_PROMPT |
                                                 1u << W_TOKENS};
  const char *kind = WL_KINDS[s->wl.kind];
  unsigned need = NEED[s->wl.kind], forbid = FORBID[s->wl.kind];
  for (int pass = 0; pass < 2; pass++) /* missing keys first, then extra ones */
    for (int k = W_USERS; k <= W_SCALE; k++) {
      char p[128];
      snprintf(p, sizeof p, "workload.%s", WL_KEYS[k].key);
      if (!pass && (need >> k & 1) && !(wl >> k & 1))
        return fail(c, p, "required key is missing when workload.kind is \"%s\" (%s)", kind,
                    WL_KEYS[k].help);
      if (pass && (forbid >> k & 1) && (wl >> k & 1))
        return fail(c, p, "not used when workload.kind is \"%s\"; remove it", kind);
    }
  if (s->wl.kind == WL_TRACE && check_trace(c))
    return c->e->code;
  s->wl.has_burst = (wl >> 4) & 1;
  if (s->wl.has_burst && s->wl.burst_length_s > s->wl.burst_every_s)
    return fail(c, "workload.burst.length_s",
                "must be <= workload.burst.every_s (%.15g), got %.15g", s->wl.burst_every_s,
                s->wl.burst_length_s);
  if (s->wl.kind == WL_STEPS && s->wl.step_s > s->duration_s)
    return fail(c, "workload.step_s", "must be <= duration_s (%.15g), got %.15g", s->duration_s,
                s->wl.step_s);
  if (s->lim.window_s > s->duration_s)
    return fail(c, "limiter.window_s", "must be <= duration_s (%.15g), got %.15g", s->duration_s,
                s->lim.window_s);
  s->has_quality = s->cloud.quality >= 0;
  for (size_t i = 0; i < s->ndev; i++)
    s->has_quality &= s->dev[i].quality >= 0;
  return check_run_length(c);
}

/* ---- --set overrides --------------------------------------------------------------- */

/* Applies "PATH=VALUE" to the tree: PATH is dotted, numbers index arrays;
 * missing object keys are created (validation then rejects unknown ones).
 * VALUE is parsed as JSON, else taken as a string. */
static int apply_set(const char *file, cJSON *root, const char *set, es_err *e) {
  const char *eq = strchr(set, '=');
  if (!eq || eq == set)
    return es_fail(e, ES_EINPUT, "%s: --set %s: expected PATH=VALUE, e.g. limiter.window_s=30",
                   file, set);
  char path[512];
  size_t plen = (size_t)(eq - set);
  if (plen >= sizeof path)
    return es_fail(e, ES_EINPUT, "%s: --set %.40s...: path is too long", file, set);
  memcpy(path, set, plen);
  path[plen] = 0;
  cJSON *cur = root;
  char done[512] = "";
  for (char *tok = path, *next; tok; tok = next) {
    char *dot = strchr(tok, '.');
    next = dot ? dot + 1 : NULL;
    if (dot)
      *dot = 0;
    if (!*tok)
      return es_fail(e, ES_EINPUT, "%s: --set %s: empty component in the path '%.*s'", file, set,
                     (int)plen, set);
    cJSON *child;
    if (cJSON_IsArray(cur)) {
      char *endp;
      errno = 0;
      long k = strtol(tok, &endp, 10);
      int n = cJSON_GetArraySize(cur);
      if (n == 0)
        return es_fail(e, ES_EINPUT, "%s: --set %s: %s is an empty array", file, set, done);
      if (*endp || errno || k < 0 || k >= n || !(*tok >= '0' && *tok <= '9') ||
          (tok[0] == '0' && tok[1]))
        return es_fail(e, ES_EINPUT,
                       "%s: --set %s: %s has %d entries, index must be 0 to %d, got '%s'", file,
                       set, done, n, n - 1, tok);
      child = cJSON_GetArrayItem(cur, (int)k);
    } else if (cJSON_IsObject(cur)) {
      child = cJSON_GetObjectItemCaseSensitive(cur, tok);
    } else {
      return es_fail(e, ES_EINPUT, "%s: --set %s: %s is not an object or array", file, set, done);
    }
    if (!next) { /* last component: replace or add */
      /* The whole VALUE must be JSON ("1 2" is the string "1 2", not 1),
       * strict RFC 8259 like the files; a VALUE that opens a string, array
       * or object must be valid JSON, since taking it as a string would
       * hide the mistake. */
      const char *val = eq + 1, *at, *what;
      int strict = json_first_error(val, strlen(val), &at, &what) != 0;
      if (!strict && *val && strchr("\"[{", *val))
        return es_fail(e, ES_EINPUT, "%s: --set %s: VALUE is not valid JSON: %s at character %zu",
                       file, set, what, (size_t)(at - val) + 1);
      cJSON *v = strict ? cJSON_ParseWithOpts(val, NULL, 1) : NULL;
      if (!v)
        v = cJSON_CreateString(val);
      if (!v)
        return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
      int ok;
      if (cJSON_IsArray(cur))
        ok = cJSON_ReplaceItemViaPointer(cur, child, v);
      else if (child) /* keeps the key, and its place among the keys */
        ok = cJSON_ReplaceItemInObjectCaseSensitive(cur, tok, v);
      else
        ok = cJSON_AddItemToObject(cur, tok, v);
      if (!ok) {
        cJSON_Delete(v);
        return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
      }
      return 0;
    }
    if (!child) {
      child = cJSON_AddObjectToObject(cur, tok);
      if (!child)
        return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
    }
    size_t l = strlen(done), t = strlen(tok); /* fits: done is a prefix of path */
    if (l)
      done[l++] = '.';
    memcpy(done + l, tok, t + 1);
    cur = child;
  }
  return es_fail(e, ES_EINPUT, "%s: --set %s: empty path", file, set);
}

/* ---- load -------------------------------------------------------------------------- */

/* The file's stem, with characters a name may not hold replaced by '_'. */
static void default_name(scn *s, const char *file) {
  const char *b = strrchr(file, '/');
  b = b ? b + 1 : file;
  size_t l = strcspn(b, ".");
  snprintf(s->name, sizeof s->name, "%.*s", (int)(l < 100 ? l : 100), b);
  if (!s->name[0])
    snprintf(s->name, sizeof s->name, "scenario");
  for (char *p = s->name; *p; p++)
    if (strchr(NAME_BAD_CHARS, *p))
      *p = '_';
}

static const char *models_dir(const char *file, const char *given, char *buf, size_t n) {
  if (given)
    return given;
  const char *env = getenv("EDGESIM_MODELS");
  if (env && *env)
    return env;
  const char *slash = strrchr(file, '/');
  if (slash)
    snprintf(buf, n, "%.*s/../models", (int)(slash - file), file);
  else
    snprintf(buf, n, "../models");
  struct stat st;
  if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
    return buf;
  /* installed: EDGESIM_DATA_DIR is the data folder relative to the folder of
   * the running executable (bin/ -> ../share/edgesim), so an installed tree
   * can be moved; a binary in the build tree finds none there */
  char *exe = realpath("/proc/self/exe", NULL);
  const char *end = exe ? strrchr(exe, '/') : NULL;
  int found = 0;
  if (end) {
    snprintf(buf, n, "%.*s/%s/models", (int)(end - exe), exe, EDGESIM_DATA_DIR);
    found = stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
  }
  free(exe);
  if (found)
    return buf;
  return EDGESIM_SOURCE_DIR "/models";
}

/* Parses, overrides and validates the text of `file` (buf[len] == 0). */
static int load_text(const char *file, const char *buf, size_t len, const char *const *sets,
                     size_t nsets, const char *mdir, scn **out, es_err *e) {
  char mbuf[1024];
  cJSON *root;
  *out = NULL;
  int rc = ifile_parse_json(file, buf, len, &root, e);
  if (rc)
    return rc;
  if (!cJSON_IsObject(root)) {
    char got[96];
    ifile_describe(root, got, sizeof got);
    rc = es_fail(e, ES_EINPUT, "%s: the top level must be a JSON object, got %s", file, got);
  }
  for (size_t i = 0; i < nsets && !rc; i++)
    rc = apply_set(file, root, sets[i], e);
  scn *s = rc ? NULL : calloc(1, sizeof *s);
  if (!rc && !s)
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (!rc) {
    ctx c = {.file = file, .e = e, .s = s};
    g_models_dir = models_dir(file, mdir, mbuf, sizeof mbuf);
    snprintf(s->file, sizeof s->file, "%s", file);
    s->cloud.quality = -1; /* unknown unless given */
    rc = parse_obj(&c, root, "", TOP_KEYS, (char *)s, &c.mask[M_TOP]);
    if (!rc)
      rc = check_rules(&c);
    if (!rc && !(c.mask[M_TOP] & 1)) /* default name: file stem */
      default_name(s, file);
  }
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
  dist_destroy(&s->wl.prompt);
  dist_destroy(&s->wl.tokens);
  free(s->dev);
  free(s);
}

const char *scn_policy_name(enum disp_policy p) { return POLICIES[p]; }
const char *scn_workload_name(enum wl_kind k) { return WL_KINDS[k]; }

static const char *type_name(const field *f) {
  static const char *const names[] = {"number", "integer", "string", "bool",
                                      "string", "tokens",  "object", "array"};
  return names[f->type];
}

static void print_table(FILE *f, const field *tab, const char *path) {
  for (const field *r = tab; r->key; r++) {
    char p[128];
    if (tab == DEV_KEYS)
      snprintf(p, sizeof p, "devices[].%s", r->key);
    else
      join(p, sizeof p, path, r->key);
    if (r->type == F_DEVICES) {
      fprintf(f, "  %-38s %-8s %-9s %s\n", p, "array", "required", r->help);
      print_table(f, DEV_KEYS, "devices[]");
      continue;
    }
    fprintf(f, "  %-38s %-8s %-9s %s\n", p, type_name(r),
            r->flags & REQ ? "required"
            : r->dflt      ? r->dflt
                           : "-",
            r->help);
    if (r->type == F_OBJ)
      print_table(f, r->sub, p);
  }
}

void scn_print_keys(FILE *f) {
  fprintf(f, "  %-38s %-8s %-9s %s\n", "key", "type", "default", "meaning");
  print_table(f, TOP_KEYS, "");
}
