/* profile.c: device profiles (profile.h). */
#include "profile.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ifile.h"

#ifndef EDGESIM_SOURCE_DIR
#define EDGESIM_SOURCE_DIR "."
#endif
#ifndef EDGESIM_DATA_DIR
#define EDGESIM_DATA_DIR "../share/edgesim"
#endif

/* The row of `key` in the device key table (always there). */
static const key_row *row(const key_row *rows, const char *key) {
  while (strcmp(rows->key, key))
    rows++;
  return rows;
}

/* Whether the entry gave `key` itself (bit of its row in `seen`). */
static int given(const key_row *rows, uint64_t seen, const char *key) {
  return (int)(seen >> (row(rows, key) - rows) & 1);
}

static int valid_name(const char *s) {
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '.' || *s == '_' || *s == '-'))
      return 0;
  return 1;
}

/* Reads a positive (or non-negative) number `key` of profile object `o`. */
static int profile_num(kctx *c, const char *pfile, const cJSON *o, const char *where,
                       const key_row *f, double *out) {
  /* The profile's numbers obey the same bounds as the device keys. */
  char path[256];
  snprintf(path, sizeof path, "%s%s", where, f->key);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f->key);
  if (!v)
    return es_fail(c->e, ES_EINPUT, "%s: %s: required key is missing (%s)", pfile, path, f->help);
  const char *file = c->file;
  c->file = pfile;
  int rc = key_number(c, path, v, f, out);
  c->file = file;
  return rc;
}

static int cmp_names(const void *a, const void *b) { return strcmp(a, b); }

typedef struct point {
  double n, a;
} point;

static int by_batch(const void *x, const void *y) {
  const point *a = x, *b = y;
  return (a->n > b->n) - (a->n < b->n);
}

/* Shared service: the LM's batch curve "decode_tps_batch" {"1": A(1), "2":
 * A(2), ...} (sorted by batch size; scaled to A(1) = tgs by the scenario's
 * rules) unless the entry gave its own, and "prefill_tps" (a number, prompt
 * tokens per second) unless the entry gave it. A profile without them
 * leaves them unset; the scenario then requires the entry's keys. */
static int profile_service(kctx *c, scn_device *d, const cJSON *lm, const char *pfile,
                           const char *where) {
  const cJSON *pf = cJSON_GetObjectItemCaseSensitive(lm, "prefill_tps");
  if (pf && !(d->prefill_tps > 0)) {
    if (!cJSON_IsNumber(pf) || !(pf->valuedouble >= 1e-3 && pf->valuedouble <= 1e12))
      return es_fail(c->e, ES_EINPUT, "%s: %sprefill_tps: must be a number in [0.001, 1e12]", pfile,
                     where);
    d->prefill_tps = pf->valuedouble;
  }
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(lm, "decode_tps_batch"), *it;
  if (d->curve_given || !b)
    return 0;
  point pt[SCN_MAX_CURVE_POINTS];
  size_t n = 0;
  cJSON_ArrayForEach(it, b) {
    char *end;
    double k = strtod(it->string, &end);
    if (n == SCN_MAX_CURVE_POINTS || *end || !(k >= 1 && k <= 1e6) || k != (double)(long)k ||
        !cJSON_IsNumber(it) || !(it->valuedouble > 0))
      return es_fail(c->e, ES_EINPUT,
                     "%s: %sdecode_tps_batch: must map up to %d batch sizes (\"1\", \"2\", ...) to "
                     "positive tokens/s, got \"%s\"",
                     pfile, where, SCN_MAX_CURVE_POINTS, it->string);
    pt[n++] = (point){k, it->valuedouble};
  }
  qsort(pt, n, sizeof *pt, by_batch);
  for (size_t i = 0; i < n; i++)
    if ((i == 0 && pt[0].n != 1) || (i > 0 && (pt[i].n == pt[i - 1].n || pt[i].a < pt[i - 1].a)))
      return es_fail(c->e, ES_EINPUT,
                     "%s: %sdecode_tps_batch: batch sizes must start at \"1\" and the aggregate "
                     "rate may not decrease",
                     pfile, where);
  if (!n)
    return 0;
  d->curve_n = malloc(n * sizeof *d->curve_n);
  d->curve_a = malloc(n * sizeof *d->curve_a);
  if (!d->curve_n || !d->curve_a)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  for (size_t i = 0; i < n; i++)
    d->curve_n[i] = pt[i].n, d->curve_a[i] = pt[i].a;
  d->ncurve = n;
  return 0;
}

/* The names of the profiles in the models directory, sorted, comma-separated
 * (the first 32). */
static void list_profiles(const char *models_dir, char *buf, size_t n) {
  char dir[1024], names[32][SCN_NAME_MAX];
  size_t k = 0;
  snprintf(dir, sizeof dir, "%s/profiles", models_dir);
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

void profile_cache_drop(kctx *c) {
  if (c->prof_path)
    cJSON_Delete(c->prof_root);
  free(c->prof_path);
  c->prof_path = NULL;
  c->prof_root = NULL;
}

int profile_apply(kctx *c, scn_device *d, const key_row *rows, uint64_t mask, const char *path) {
  char p[512], pfile[1024];
  key_join(p, sizeof p, path, "profile");
  if (!valid_name(d->profile))
    return key_fail(c, p, "must use only letters, digits, '.', '_' and '-', got \"%s\"",
                    d->profile);
  snprintf(pfile, sizeof pfile, "%s/profiles/%s.json", c->models_dir, d->profile);
  struct stat st;
  if (stat(pfile, &st) != 0) {
    char have[512];
    list_profiles(c->models_dir, have, sizeof have);
    return key_fail(c, p, "no profile \"%s\" (looked for %s; there are: %s)", d->profile, pfile,
                    have);
  }
  /* Entries naming the same profile read it once: the parsed tree is kept
   * in the context until the next profile or the end of the load, so a
   * scenario is read in time linear in its size (100,000 entries of one
   * profile: 7.8 s before, reading the file each time). */
  cJSON *root = c->prof_path && !strcmp(c->prof_path, pfile) ? c->prof_root : NULL;
  int rc = 0;
  if (!root) {
    char *buf;
    size_t len;
    if (ifile_read(pfile, "a JSON file", &buf, &len, c->e))
      return c->e->code;
    rc = ifile_parse_json(pfile, buf, len, &root, c->e);
    free(buf);
    if (rc)
      return rc;
    profile_cache_drop(c);
    if ((c->prof_path = malloc(strlen(pfile) + 1)))
      memcpy(c->prof_path, pfile, strlen(pfile) + 1), c->prof_root = root;
  }
  const cJSON *lms = cJSON_GetObjectItemCaseSensitive(root, "lm");
  const cJSON *lm = cJSON_GetObjectItemCaseSensitive(lms, d->lm);
  char where[256];
  snprintf(where, sizeof where, "lm.%s.", d->lm);
  key_join(p, sizeof p, path, "lm");
  const cJSON *fits = cJSON_GetObjectItemCaseSensitive(lm, "fits");
  double v[4] = {0}; /* initialised: gcc -O3 cannot see the && chain sets them */
  if (!cJSON_IsObject(lm)) {
    char have[512] = "";
    const cJSON *it;
    cJSON_ArrayForEach(it, lms) {
      size_t l = strlen(have);
      snprintf(have + l, sizeof have - l, "%s%s", l ? ", " : "", it->string);
    }
    rc = key_fail(c, p, "profile \"%s\" has no LM \"%s\" (it has: %s)", d->profile, d->lm, have);
  } else if (!cJSON_IsBool(fits)) {
    char got[96] = "";
    if (fits)
      ifile_describe(fits, got, sizeof got);
    rc = fits ? es_fail(c->e, ES_EINPUT, "%s: %sfits: must be true or false, got %s", pfile, where,
                        got)
              : es_fail(c->e, ES_EINPUT, "%s: %sfits: required key is missing (true or false)",
                        pfile, where);
  } else if (!cJSON_IsTrue(fits)) {
    rc = key_fail(c, p, "\"%s\" does not fit in the memory of \"%s\" (%s says fits: false)", d->lm,
                  d->profile, pfile);
  } else if (!(rc = profile_num(c, pfile, root, "", row(rows, "power_active_w"), &v[0])) &&
             !(rc = profile_num(c, pfile, root, "", row(rows, "power_idle_w"), &v[1])) &&
             !(rc = profile_num(c, pfile, lm, where, row(rows, "tgs"), &v[2])) &&
             !(rc = profile_num(c, pfile, lm, where, row(rows, "ttft_s"), &v[3]))) {
    /* Keys given in the scenario override the profile's numbers. */
    if (!given(rows, mask, "power_active_w"))
      d->power_active_w = v[0];
    if (!given(rows, mask, "power_idle_w"))
      d->power_idle_w = v[1];
    if (!given(rows, mask, "tgs"))
      d->tgs = v[2];
    if (!given(rows, mask, "ttft_s"))
      d->ttft_s = v[3];
    const cJSON *rg = cJSON_GetObjectItemCaseSensitive(lm, "resident_gib"); /* optional */
    d->lm_bytes = cJSON_IsNumber(rg) && rg->valuedouble > 0 && rg->valuedouble < 1e9
                      ? rg->valuedouble * 1073741824.0
                      : 0;
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(lm, "quality");
    if (!given(rows, mask, "quality") && cJSON_IsNumber(q) && q->valuedouble >= 0 &&
        q->valuedouble <= 1)
      d->quality = q->valuedouble;
    if (d->service == SCN_SERVICE_SHARED)
      rc = profile_service(c, d, lm, pfile, where);
  }
  if (root != c->prof_root) /* not kept: out of memory for its name */
    cJSON_Delete(root);
  return rc;
}

const char *profile_models_dir(const char *file, const char *given, char *buf, size_t n) {
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
