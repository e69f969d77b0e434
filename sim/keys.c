/* keys.c: the key binder (keys.h). */
#include "keys.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ifile.h"
#include "jsonint.h"
#include "names.h"

#define KEY_MAX_ROWS 64 /* ifile_key's bound: one bit per row */

int key_fail(kctx *c, const char *path, const char *fmt, ...) {
  char what[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (path && *path)
    return es_fail(c->e, ES_EINPUT, "%s: %s: %s", c->file, path, what);
  return es_fail(c->e, ES_EINPUT, "%s: %s", c->file, what);
}

void key_join(char *out, size_t n, const char *path, const char *key) {
  if (*path)
    snprintf(out, n, "%s.%s", path, key);
  else
    snprintf(out, n, "%s", key);
}

void key_count_text(const cJSON *v, char *buf, size_t n) {
  if (!cJSON_IsArray(v))
    ifile_describe(v, buf, n);
  else if (!v->child)
    snprintf(buf, n, "an empty array");
  else
    snprintf(buf, n, "an array of %d", cJSON_GetArraySize(v));
}

static void bounds_text(const key_row *f, char *buf, size_t n) {
  const char *what = f->type == K_INT ? "an integer" : "a number";
  if (isinf(f->hi))
    snprintf(buf, n, "%s %s %.16g", what, f->flags & K_LOX ? ">" : ">=", f->lo);
  else
    snprintf(buf, n, "%s in %c%.16g, %.16g]", what, f->flags & K_LOX ? '(' : '[', f->lo, f->hi);
}

/* ---- values ------------------------------------------------------------------ */

int key_number(kctx *c, const char *path, const cJSON *v, const key_row *f, double *out) {
  char got[96], want[96];
  ifile_describe(v, got, sizeof got);
  bounds_text(f, want, sizeof want);
  if (!cJSON_IsNumber(v))
    return key_fail(c, path, "must be %s, got %s", want, got);
  double x = v->valuedouble;
  if (!isfinite(x))
    return key_fail(c, path, "must be %s, got a number too large for a double", want);
  if (f->type == K_INT && (fabs(x) > 9007199254740992.0 || floor(x) != x))
    return key_fail(c, path, "must be %s, got %s", want, got);
  if (x < f->lo || ((f->flags & K_LOX) && x == f->lo) || x > f->hi)
    return key_fail(c, path, "must be %s, got %s", want, got);
  *out = x;
  return 0;
}

/* Any integer in [0, 2^64 - 1], exactly: from the number's text when the
 * tree has it (key_parse_json), else from the double if that is exact. */
static int get_u64(kctx *c, const char *path, const cJSON *v, uint64_t *out) {
  char got[96];
  const char *why = "not a JSON number";
  ifile_describe(v, got, sizeof got);
  if (cJSON_IsNumber(v) && v->valuestring) {
    if (!json_uint64(v->valuestring, strlen(v->valuestring), out, &why))
      return 0;
    snprintf(got, sizeof got, "%.60s", v->valuestring);
  } else if (cJSON_IsNumber(v)) {
    double x = v->valuedouble;
    if (x >= 0 && x <= 9007199254740992.0 && floor(x) == x)
      return *out = (uint64_t)x, 0;
    why = x < 0 ? "negative" : floor(x) != x ? "not an integer" : "not exact in a double";
  }
  return key_fail(c, path, "must be an integer in [0, 18446744073709551615], got %s (%s)", got,
                  why);
}

int key_parse_json(const char *file, const char *buf, size_t len, cJSON **out, es_err *e) {
  int rc = ifile_parse_json(file, buf, len, out, e);
  if (!rc && json_attach_number_text(*out, buf, len)) {
    cJSON_Delete(*out);
    *out = NULL;
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  }
  return rc;
}

static int get_enum(kctx *c, const char *path, const cJSON *v, const char *const *names, int *out) {
  if (cJSON_IsString(v))
    for (int i = 0; names[i]; i++)
      if (!strcmp(v->valuestring, names[i]))
        return *out = i, 0;
  char got[96], allowed[512] = "";
  ifile_describe(v, got, sizeof got);
  for (int i = 0; names[i]; i++) {
    size_t l = strlen(allowed);
    snprintf(allowed + l, sizeof allowed - l, "%s\"%s\"", i ? ", " : "", names[i]);
  }
  return key_fail(c, path, "must be one of %s, got %s", allowed, got);
}

static int get_string(kctx *c, const char *path, const cJSON *v, char *out, size_t size) {
  char got[96];
  ifile_describe(v, got, sizeof got);
  if (!cJSON_IsString(v))
    return key_fail(c, path, "must be a string, got %s", got);
  size_t n = strlen(v->valuestring);
  if (n == 0 || n >= size)
    return key_fail(c, path, "must be a string of 1 to %zu characters, got %s", size - 1, got);
  size_t bad;
  if (es_name_bad_char(v->valuestring, &bad))
    return key_fail(c, path, "must not contain control characters, ',' or '\"' (character %zu)",
                    bad + 1);
  memcpy(out, v->valuestring, n + 1);
  return 0;
}

#define DIST_MAX_VALUES 1000u /* SCN_MAX_DIST_VALUES */
static const key_row DIST_VALUE = KEY_INT("values[]", 0, 1, 1e9, 0, NULL, "");
static const key_row DIST_WEIGHT = KEY_NUM("weights[]", 0, 0, 1e300, 0, NULL, "");

static int get_dist_arrays(kctx *c, const char *path, const cJSON *v, dist *d) {
  const cJSON *vals = NULL, *wts = NULL, *it;
  cJSON_ArrayForEach(it, v) {
    char p[512];
    key_join(p, sizeof p, path, it->string);
    if (!strcmp(it->string, "values") && !vals)
      vals = it;
    else if (!strcmp(it->string, "weights") && !wts)
      wts = it;
    else if (!strcmp(it->string, "values") || !strcmp(it->string, "weights"))
      return key_fail(c, p, "duplicate key");
    else
      return key_fail(c, p, "unknown key; allowed here: values, weights");
  }
  if (!vals || !wts)
    return key_fail(c, path, "a distribution needs both \"values\" and \"weights\"");
  int n = cJSON_GetArraySize(vals);
  char p[512], got[96];
  key_join(p, sizeof p, path, "values");
  if (!cJSON_IsArray(vals) || n < 1 || n > (int)DIST_MAX_VALUES) {
    key_count_text(vals, got, sizeof got);
    return key_fail(c, p, "must be an array of 1 to %u integers, got %s", DIST_MAX_VALUES, got);
  }
  key_join(p, sizeof p, path, "weights");
  if (!cJSON_IsArray(wts) || cJSON_GetArraySize(wts) != n) {
    key_count_text(wts, got, sizeof got);
    return key_fail(c, p, "must be an array of %d numbers, one per value, got %s", n, got);
  }
  uint64_t vv[DIST_MAX_VALUES];
  double ww[DIST_MAX_VALUES], sum = 0, x;
  const cJSON *vi = vals->child, *wi = wts->child; /* linear walk, not indexed access */
  for (int i = 0; i < n; i++, vi = vi->next, wi = wi->next) {
    snprintf(p, sizeof p, "%s.values[%d]", path, i);
    if (key_number(c, p, vi, &DIST_VALUE, &x))
      return c->e->code;
    vv[i] = (uint64_t)x;
    snprintf(p, sizeof p, "%s.weights[%d]", path, i);
    if (key_number(c, p, wi, &DIST_WEIGHT, &ww[i]))
      return c->e->code;
    sum += ww[i];
  }
  key_join(p, sizeof p, path, "weights");
  if (!(sum > 0) || !isfinite(sum))
    return key_fail(c, p, "must have a positive sum, got %.16g", sum);
  if (dist_init(d, vv, ww, (size_t)n))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  return 0;
}

static int get_dist(kctx *c, const char *path, const cJSON *v, dist *d) {
  dist_destroy(d);
  if (cJSON_IsObject(v))
    return get_dist_arrays(c, path, v, d);
  char got[96];
  ifile_describe(v, got, sizeof got);
  double x;
  if (!cJSON_IsNumber(v))
    return key_fail(c, path,
                    "must be an integer in [1, 1e9] or {\"values\": [...], "
                    "\"weights\": [...]}, got %s",
                    got);
  if (key_number(c, path, v, &DIST_VALUE, &x))
    return c->e->code;
  uint64_t one = (uint64_t)x;
  double w = 1;
  if (dist_init(d, &one, &w, 1))
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  return 0;
}

/* ---- objects ------------------------------------------------------------------- */

int key_parse_value(kctx *c, const cJSON *v, const char *path, const key_row *f, char *base) {
  double x;
  switch (f->type) {
  case K_NUM:
    if (key_number(c, path, v, f, &x))
      return c->e->code;
    *(double *)(base + f->off) = x;
    return 0;
  case K_INT:
    if (key_number(c, path, v, f, &x))
      return c->e->code;
    *(uint64_t *)(base + f->off) = (uint64_t)x;
    return 0;
  case K_U64:
    return get_u64(c, path, v, (uint64_t *)(base + f->off));
  case K_STR:
    return get_string(c, path, v, base + f->off, f->size);
  case K_BOOL:
    if (!cJSON_IsBool(v)) {
      char got[96];
      ifile_describe(v, got, sizeof got);
      return key_fail(c, path, "must be true or false, got %s", got);
    }
    *(int *)(base + f->off) = cJSON_IsTrue(v);
    return 0;
  case K_ENUM: {
    int k = 0;
    if (get_enum(c, path, v, f->sub, &k))
      return c->e->code;
    *(int *)(base + f->off) = k;
    return 0;
  }
  case K_DIST:
    return get_dist(c, path, v, (dist *)(base + f->off));
  case K_OBJ:
    *(int *)(base + f->off) = 1;
    return key_parse_obj(c, v, path, f->sub, base, NULL);
  case K_FUNC:
    return f->fn(c, v, path, f, base);
  }
  return 0;
}

static int parse_default(kctx *c, const char *path, const key_row *f, char *base) {
  cJSON *v = cJSON_Parse(f->dflt);
  if (!v || json_attach_number_text(v, f->dflt, strlen(f->dflt))) {
    cJSON_Delete(v);
    return es_fail(c->e, ES_ERUNTIME, "internal: bad default for %s", path);
  }
  int rc = key_parse_value(c, v, path, f, base);
  cJSON_Delete(v);
  if (!rc && f->type == K_OBJ)
    *(int *)(base + f->off) = 0; /* a default object is not "present" */
  return rc;
}

static int need_object(kctx *c, const cJSON *obj, const char *path) {
  if (cJSON_IsObject(obj))
    return 0;
  char got[96];
  ifile_describe(obj, got, sizeof got);
  return key_fail(c, path, "must be an object, got %s", got);
}

/* Missing keys of `tab`: required ones are errors (`kind` names the kind
 * that requires them, or NULL), the others take their defaults. */
static int fill_missing(kctx *c, const char *path, const key_row *tab, char *base, uint64_t seen,
                        const char *kind, const char *kind_what) {
  char p[512];
  for (size_t i = 0; tab[i].key; i++) {
    if (seen & (1ull << i))
      continue;
    key_join(p, sizeof p, path, tab[i].key);
    if ((tab[i].flags & K_REQ) && kind)
      return key_fail(c, p, "required key is missing for %s \"%s\" (%s)", kind_what, kind,
                      tab[i].help);
    if (tab[i].flags & K_REQ)
      return key_fail(c, p, "required key is missing (%s)", tab[i].help);
    if (tab[i].dflt && parse_default(c, p, &tab[i], base))
      return c->e->code;
  }
  return 0;
}

int key_parse_obj(kctx *c, const cJSON *obj, const char *path, const key_row *tab, char *base,
                  uint64_t *seen_out) {
  if (need_object(c, obj, path))
    return c->e->code;
  uint64_t seen = 0;
  const cJSON *it;
  char p[512];
  cJSON_ArrayForEach(it, obj) {
    key_join(p, sizeof p, path, it->string);
    char msg[600];
    int i = ifile_key(it->string, tab, sizeof *tab, &seen, msg, sizeof msg);
    if (i < 0) /* unknown or duplicate */
      return key_fail(c, p, "%s", msg);
    if (key_parse_value(c, it, p, &tab[i], base))
      return c->e->code;
  }
  if (seen_out)
    *seen_out = seen;
  return fill_missing(c, path, tab, base, seen, NULL, NULL);
}

/* ---- kinds ------------------------------------------------------------------------ */

const kind_hdr *kind_find(const kind_reg *reg, const char *name) {
  for (const kind_hdr *const *r = reg->rows; *r; r++)
    if (!strcmp((*r)->name, name))
      return *r;
  return NULL;
}

void kind_names(const kind_reg *reg, char *buf, size_t n) {
  size_t l = 0;
  buf[0] = 0;
  for (const kind_hdr *const *r = reg->rows; *r && l < n; r++, l = strlen(buf))
    snprintf(buf + l, n - l, "%s\"%s\"", r == reg->rows ? "" : ", ", (*r)->name);
}

void kind_cfg_free(const kind_hdr *row, void *cfg) {
  if (row && cfg && row->cfg_free)
    row->cfg_free(cfg);
  free(cfg);
}

static size_t count_rows(const key_row *tab) {
  size_t n = 0;
  while (tab && tab[n].key)
    n++;
  return n;
}

/* Which other kind of `reg` takes `key`, or NULL. */
static const kind_hdr *other_kind_with(const kind_reg *reg, const kind_hdr *self, const char *key) {
  for (const kind_hdr *const *r = reg->rows; *r; r++)
    if (*r != self)
      for (const key_row *k = (*r)->keys; k && k->key; k++)
        if (!strcmp(k->key, key))
          return *r;
  return NULL;
}

static int pick_kind(kctx *c, const cJSON *obj, const char *path, const kind_reg *reg,
                     const kind_hdr **row) {
  char p[512], names[512], got[96];
  key_join(p, sizeof p, path, reg->selector);
  kind_names(reg, names, sizeof names);
  const cJSON *sel = cJSON_GetObjectItemCaseSensitive(obj, reg->selector);
  if (!sel && !reg->dflt)
    return key_fail(c, p, "required key is missing (one of %s)", names);
  const char *name = sel ? (cJSON_IsString(sel) ? sel->valuestring : NULL) : reg->dflt;
  *row = name ? kind_find(reg, name) : NULL;
  if (*row)
    return 0;
  ifile_describe(sel, got, sizeof got);
  return key_fail(c, p, "must be one of %s, got %s", names, got);
}

int key_parse_kinded(kctx *c, const cJSON *obj, const char *path, const kind_reg *reg,
                     char *common_base, const kind_hdr **rowp, void **cfgp) {
  *cfgp = NULL;
  *rowp = NULL;
  if (need_object(c, obj, path))
    return c->e->code;
  const kind_hdr *row;
  if (pick_kind(c, obj, path, reg, &row))
    return c->e->code;
  void *cfg = calloc(1, row->cfg_size ? row->cfg_size : 1);
  if (!cfg)
    return es_fail(c->e, ES_ERUNTIME, "edgesim: out of memory");
  *rowp = row;
  *cfgp = cfg;
  /* One table for the key lookup: the selector, the common keys, the kind's. */
  size_t ncom = count_rows(reg->common), nkind = count_rows(row->keys);
  key_row all[KEY_MAX_ROWS + 1] = {{0}};
  if (1 + ncom + nkind > KEY_MAX_ROWS)
    return es_fail(c->e, ES_ERUNTIME, "internal: too many keys for %s", path);
  all[0].key = reg->selector;
  if (ncom)
    memcpy(all + 1, reg->common, ncom * sizeof *all);
  if (nkind)
    memcpy(all + 1 + ncom, row->keys, nkind * sizeof *all);
  uint64_t seen = 0;
  const cJSON *it;
  char p[512], msg[600];
  cJSON_ArrayForEach(it, obj) {
    key_join(p, sizeof p, path, it->string);
    int i = ifile_key(it->string, all, sizeof *all, &seen, msg, sizeof msg);
    const kind_hdr *other = i < 0 ? other_kind_with(reg, row, it->string) : NULL;
    if (i < 0 && other && strcmp(msg, "duplicate key"))
      return key_fail(c, p, "not a key of %s '%s' (it belongs to '%s')", reg->what, row->name,
                      other->name);
    if (i < 0)
      return key_fail(c, p, "%s", msg);
    if (i == 0)
      continue; /* the selector: picked above */
    char *base = (size_t)i <= ncom ? common_base : (char *)cfg;
    if (key_parse_value(c, it, p, &all[i], base))
      return c->e->code;
  }
  if (ncom && fill_missing(c, path, reg->common, common_base, seen >> 1, NULL, NULL))
    return c->e->code;
  if (nkind && fill_missing(c, path, row->keys, cfg, seen >> (1 + ncom), row->name, reg->what))
    return c->e->code;
  if (row->check && row->check(c, cfg, path))
    return c->e->code;
  return 0;
}

static int g_tsv; /* key_print_tsv(): rows as PATH TAB TYPE TAB DEFAULT TAB MEANING */

/* ---- help ---------------------------------------------------------------------- */

static const char *type_name(const key_row *f) {
  static const char *const names[] = {"number", "integer", "integer", "string", "bool",
                                      "string", "tokens",  "object",  "value"};
  return f->type == K_FUNC && f->type_text ? f->type_text : names[f->type];
}

void key_print_line(FILE *f, const char *path, const char *type, const char *dflt,
                    const char *meaning, const char *note) {
  if (g_tsv)
    fprintf(f, "%s\t%s\t%s\t%s%s\n", path, type, dflt, meaning, note ? note : "");
  else
    fprintf(f, "  %-38s %-8s %-9s %s%s\n", path, type, dflt, meaning, note ? note : "");
}

void key_print_tsv(int on) { g_tsv = on; }

void key_print_row(FILE *f, const key_row *r, const char *path, const char *note) {
  char p[160];
  key_join(p, sizeof p, path, r->key);
  const char *dflt = r->flags & K_REQ ? "required" : r->dflt ? r->dflt : "-";
  key_print_line(f, p, type_name(r), dflt, r->help, note);
  if (r->type == K_OBJ)
    key_print_rows(f, r->sub, p, note);
}

void key_print_rows(FILE *f, const key_row *tab, const char *path, const char *note) {
  for (const key_row *r = tab; r && r->key; r++)
    key_print_row(f, r, path, note);
}

/* Whether an earlier kind than `self` has a row `key` with the same help. */
static int printed_before(const kind_reg *reg, const kind_hdr *self, const key_row *k) {
  for (const kind_hdr *const *r = reg->rows; *r != self; r++)
    for (const key_row *o = (*r)->keys; o && o->key; o++)
      if (!strcmp(o->key, k->key) && !strcmp(o->help, k->help))
        return 1;
  return 0;
}

/* " (a, b)": the kinds that take `k` (the same key with the same help). */
static void kinds_with(const kind_reg *reg, const key_row *k, char *buf, size_t n) {
  size_t l = 0;
  for (const kind_hdr *const *r = reg->rows; *r && l + 2 < n; r++)
    for (const key_row *o = (*r)->keys; o && o->key; o++)
      if (!strcmp(o->key, k->key) && !strcmp(o->help, k->help)) {
        snprintf(buf + l, n - l, "%s%s", l ? ", " : " (", (*r)->name);
        l = strlen(buf);
        break;
      }
  if (l + 2 < n)
    snprintf(buf + l, n - l, ")");
}

void key_print_kinds(FILE *f, const kind_reg *reg, const char *path) {
  char p[160], note[512];
  key_join(p, sizeof p, path, reg->selector);
  key_print_line(f, p, "string", reg->dflt ? reg->dflt : "required", reg->what, NULL);
  for (const kind_hdr *const *r = reg->rows; *r; r++) {
    char k[256];
    if (g_tsv) { /* PATH="NAME" TAB kind TAB - TAB help */
      snprintf(k, sizeof k, "%s=\"%s\"", p, (*r)->name);
      key_print_line(f, k, "kind", "-", (*r)->help, NULL);
    } else {
      fprintf(f, "  %-38s %-8s %-9s   \"%s\": %s\n", "", "", "", (*r)->name, (*r)->help);
    }
  }
  key_print_rows(f, reg->common, path, NULL);
  for (const kind_hdr *const *r = reg->rows; *r; r++)
    for (const key_row *k = (*r)->keys; k && k->key; k++)
      if (!printed_before(reg, *r, k)) {
        kinds_with(reg, k, note, sizeof note);
        key_print_row(f, k, path, note);
      }
}
