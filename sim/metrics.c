/* metrics.c: Section IV metrics, their JSON input and the metrics command. */
#include "metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ifile.h"
#include "report.h"

double mt_utility(double alpha, double q, double r) { return alpha * q + (1.0 - alpha) * r; }

double mt_cpr_cloud_usd(double prompt_tokens, double output_tokens, double in_usd_per_mtok,
                        double out_usd_per_mtok) {
  return (prompt_tokens * in_usd_per_mtok + output_tokens * out_usd_per_mtok) / 1e6;
}

double mt_cpr_edge_usd(double energy_wh, double usd_per_kwh) {
  return energy_wh / 1000.0 * usd_per_kwh;
}

double mt_pcr(double utility, double cpr_usd) { return utility / (cpr_usd * 100.0); }

double mt_platform_cpr_usd(const mt_input *in, const mt_platform *p) {
  if (p->kind == MT_CLOUD)
    return mt_cpr_cloud_usd(p->prompt_tokens, p->output_tokens, p->in_usd_per_mtok,
                            p->out_usd_per_mtok);
  return mt_cpr_edge_usd(p->energy_wh, in->usd_per_kwh);
}

/* ------------------------------------------------------------- loading */

/* The input is checked like a scenario (sim/ifile.c): a regular file of at
 * most 16 MiB, strict JSON with FILE:LINE:COL, no unknown or duplicate keys,
 * every number in its bounds. A platform's CPR must be positive: PCR = U /
 * CPR is undefined at 0, so a zero cost is bad input, not an infinite PCR. */

/* One key of a platform: for a number, where it lives, its bounds
 * (inclusive) and for which kind it is required (-1: every kind); the other
 * keys (OTHER) are read by load_platform() itself. One table, so that the
 * keys a platform may hold are exactly its rows. */
typedef struct {
  const char *key;
  size_t off;
  double min, max;
  int kind;
} num_key;

#define PK(k, f, lo, hi, kind)                                                                     \
  { k, offsetof(mt_platform, f), lo, hi, kind }
#define OTHER -2
static const num_key platform_rows[] = {
    {"name", 0, 0, 0, OTHER},
    {"kind", 0, 0, 0, OTHER},
    {"paper", 0, 0, 0, OTHER},
    PK("q", q, 0, 1, -1),
    PK("r", r, 0, 1e6, -1),
    PK("prompt_tokens", prompt_tokens, 0, 1e9, MT_CLOUD),
    PK("output_tokens", output_tokens, 0, 1e9, MT_CLOUD),
    PK("input_usd_per_mtok", in_usd_per_mtok, 0, 1e6, MT_CLOUD),
    PK("output_usd_per_mtok", out_usd_per_mtok, 0, 1e6, MT_CLOUD),
    PK("energy_wh", energy_wh, 0, 1e6, MT_EDGE),
    {0},
};

/* The keys each object may hold ("source" is a free-text note). */
static const char *const top_keys[] = {"source", "alpha", "electricity_usd_per_kwh", "platforms",
                                       NULL};
static const char *const paper_keys[] = {"cpr_cents", "u", "pcr", NULL};

static int bad(es_err *e, const char *path, const char *key, const char *what, const cJSON *v) {
  char got[96];
  ifile_describe(v, got, sizeof got);
  return es_fail(e, ES_EINPUT, "%s: %s: %s, got %s", path, key, what, got);
}

/* Every key of object o is a row of `rows` (`stride` bytes apart, see
 * ifile_key()), once. */
static int check_keys(const cJSON *o, const void *rows, size_t stride, const char *pre,
                      const char *path, es_err *e) {
  uint64_t seen = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, o) {
    char msg[600];
    if (ifile_key(it->string, rows, stride, &seen, msg, sizeof msg) < 0)
      return es_fail(e, ES_EINPUT, "%s: %s%s%s: %s", path, pre, *pre ? "." : "", it->string, msg);
  }
  return 0;
}

static int get_num(const cJSON *o, const char *k, const char *keypath, double lo, double hi,
                   double *out, const char *path, es_err *e) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
    char what[96];
    snprintf(what, sizeof what, "must be a number in [%g,%g]", lo, hi);
    return bad(e, path, keypath, what, v);
  }
  *out = v->valuedouble;
  return 0;
}

static int load_paper(const cJSON *o, mt_platform *p, const char *pre, const char *path,
                      es_err *e) {
  const cJSON *pp = cJSON_GetObjectItemCaseSensitive(o, "paper");
  char kp[128];
  if (!pp)
    return 0;
  snprintf(kp, sizeof kp, "%s.paper", pre);
  if (!cJSON_IsObject(pp))
    return bad(e, path, kp, "must be an object", pp);
  if (check_keys(pp, paper_keys, sizeof *paper_keys, kp, path, e))
    return -1;
  p->has_paper = 1;
  /* cpr_cents > 0: the table prints U / paper CPR */
  snprintf(kp, sizeof kp, "%s.paper.cpr_cents", pre);
  if (get_num(pp, "cpr_cents", kp, 1e-9, 1e6, &p->paper_cpr_cents, path, e))
    return -1;
  snprintf(kp, sizeof kp, "%s.paper.u", pre);
  if (get_num(pp, "u", kp, -1e6, 1e6, &p->paper_u, path, e))
    return -1;
  snprintf(kp, sizeof kp, "%s.paper.pcr", pre);
  return get_num(pp, "pcr", kp, 0, 1e12, &p->paper_pcr, path, e);
}

/* A name is printed as a table cell: no control characters. */
static int valid_name(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      return 0;
  return 1;
}

static int load_platform(const cJSON *o, int i, mt_platform *p, const char *path, es_err *e) {
  char pre[32], kp[96];
  snprintf(pre, sizeof pre, "platforms[%d]", i);
  if (!cJSON_IsObject(o))
    return bad(e, path, pre, "must be an object", o);
  if (check_keys(o, platform_rows, sizeof *platform_rows, pre, path, e))
    return -1;
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
  const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
  snprintf(kp, sizeof kp, "%s.name", pre);
  if (!cJSON_IsString(name) || !name->valuestring[0] ||
      strlen(name->valuestring) >= sizeof p->name || !valid_name(name->valuestring))
    return bad(e, path, kp, "must be a string of 1 to 63 bytes without control characters", name);
  strcpy(p->name, name->valuestring);
  snprintf(kp, sizeof kp, "%s.kind", pre);
  if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "cloud"))
    p->kind = MT_CLOUD;
  else if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "edge"))
    p->kind = MT_EDGE;
  else
    return bad(e, path, kp, "must be \"cloud\" or \"edge\"", kind);
  for (const num_key *nk = platform_rows; nk->key; nk++) {
    if (nk->kind == OTHER)
      continue;
    snprintf(kp, sizeof kp, "%s.%s", pre, nk->key);
    if (nk->kind != -1 && nk->kind != (int)p->kind) {
      if (cJSON_GetObjectItemCaseSensitive(o, nk->key))
        return es_fail(e, ES_EINPUT, "%s: %s: not used when kind is \"%s\"", path, kp,
                       p->kind == MT_CLOUD ? "cloud" : "edge");
      continue;
    }
    if (get_num(o, nk->key, kp, nk->min, nk->max, (double *)((char *)p + nk->off), path, e))
      return -1;
  }
  return load_paper(o, p, pre, path, e);
}

/* PCR = U / CPR must be a finite number: CPR > 0 and not so small that the
 * quotient overflows. */
static int check_cost(const mt_input *in, const mt_platform *p, int i, const char *path,
                      es_err *e) {
  double cpr = mt_platform_cpr_usd(in, p), pcr = mt_pcr(mt_utility(in->alpha, p->q, p->r), cpr);
  if (cpr > 0 && isfinite(pcr))
    return 0;
  if (cpr > 0)
    return es_fail(e, ES_EINPUT,
                   "%s: platforms[%d]: CPR %g USD is too small: PCR = U / CPR overflows", path, i,
                   cpr);
  if (p->kind == MT_EDGE)
    return es_fail(
        e, ES_EINPUT,
        "%s: platforms[%d]: CPR is 0 (energy_wh %g x electricity_usd_per_kwh %g), so PCR "
        "= U / CPR is undefined; every platform needs a positive cost",
        path, i, p->energy_wh, in->usd_per_kwh);
  return es_fail(
      e, ES_EINPUT,
      "%s: platforms[%d]: CPR is 0 (prompt_tokens x input_usd_per_mtok + output_tokens x "
      "output_usd_per_mtok), so PCR = U / CPR is undefined; every platform needs a positive cost",
      path, i);
}

static int load_obj(const cJSON *root, mt_input *in, const char *path, es_err *e) {
  if (check_keys(root, top_keys, sizeof *top_keys, "", path, e))
    return -1;
  const cJSON *src = cJSON_GetObjectItemCaseSensitive(root, "source");
  if (src && !cJSON_IsString(src))
    return bad(e, path, "source", "must be a string", src);
  if (get_num(root, "alpha", "alpha", 0, 1, &in->alpha, path, e))
    return -1;
  if (get_num(root, "electricity_usd_per_kwh", "electricity_usd_per_kwh", 0, 1e3, &in->usd_per_kwh,
              path, e))
    return -1;
  const cJSON *pl = cJSON_GetObjectItemCaseSensitive(root, "platforms");
  if (!cJSON_IsArray(pl) || cJSON_GetArraySize(pl) < 1)
    return bad(e, path, "platforms", "must be a non-empty array", pl);
  in->n = cJSON_GetArraySize(pl);
  in->p = calloc((size_t)in->n, sizeof *in->p);
  if (!in->p)
    return es_fail(e, ES_ERUNTIME, "%s: out of memory", path);
  int i = 0;
  for (const cJSON *o = pl->child; o; o = o->next, i++)
    if (load_platform(o, i, &in->p[i], path, e) || check_cost(in, &in->p[i], i, path, e))
      return -1;
  return 0;
}

int mt_load(const char *path, mt_input *in, es_err *e) {
  char *buf;
  size_t len;
  cJSON *root = NULL;
  memset(in, 0, sizeof *in);
  if (ifile_read(path, "a JSON file", &buf, &len, e))
    return e->code;
  int rc = ifile_parse_json(path, buf, len, &root, e);
  free(buf);
  if (!rc && !cJSON_IsObject(root)) {
    char got[96];
    ifile_describe(root, got, sizeof got);
    rc = es_fail(e, ES_EINPUT, "%s: the top level must be a JSON object, got %s", path, got);
  }
  if (!rc && load_obj(root, in, path, e))
    rc = e->code;
  cJSON_Delete(root);
  if (rc)
    mt_free(in);
  return rc;
}

void mt_free(mt_input *in) {
  free(in->p);
  memset(in, 0, sizeof *in);
}

/* ------------------------------------------------------------- command */

static void print_table(const mt_input *in, FILE *out) {
  int paper = 0;
  for (int i = 0; i < in->n; i++)
    paper |= in->p[i].has_paper;
  rep_cell(out, "alpha %g", in->alpha);
  rep_cell(out, ", electricity $%g/kWh; CPR in US cents, PCR = U / CPR(cents)\n", in->usd_per_kwh);
  fprintf(out, "%-28s %-5s %5s %6s %7s %10s %9s", "platform", "kind", "Q", "R (s)", "U", "CPR (c)",
          "PCR");
  if (paper)
    fprintf(out, "  | paper: %7s %6s %8s %13s", "CPR (c)", "U", "PCR", "U/paper CPR");
  fputc('\n', out);
  for (int i = 0; i < in->n; i++) {
    const mt_platform *p = &in->p[i];
    double u = mt_utility(in->alpha, p->q, p->r), cpr = mt_platform_cpr_usd(in, p);
    fprintf(out, "%-28s %-5s", p->name, p->kind == MT_CLOUD ? "cloud" : "edge");
    rep_cell(out, " %5.2f", p->q);
    rep_cell(out, " %6.2f", p->r);
    rep_cell(out, " %7.4f", u);
    rep_cell(out, " %10.5g", cpr * 100.0);
    rep_cell(out, " %9.2f", mt_pcr(u, cpr));
    if (p->has_paper) {
      rep_cell(out, "  | %14.4g", p->paper_cpr_cents);
      rep_cell(out, " %6.3f", p->paper_u);
      rep_cell(out, " %8.2f", p->paper_pcr);
      rep_cell(out, " %13.2f", u / p->paper_cpr_cents);
    }
    fputc('\n', out);
  }
}

int metrics_main(int argc, char **argv, FILE *out, FILE *err) {
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    fprintf(out, "usage: edgesim metrics FILE.json\n"
                 "  prints utility U, cost per response CPR and PCR = U / CPR per platform\n");
    return 0;
  }
  if (argc != 2) {
    fprintf(err, "edgesim metrics: expected one FILE.json (see edgesim metrics --help)\n");
    return 2;
  }
  mt_input in;
  es_err e = {0};
  if (mt_load(argv[1], &in, &e)) {
    fprintf(err, "%s\n", e.msg);
    return e.code;
  }
  print_table(&in, out);
  mt_free(&in);
  return 0;
}
