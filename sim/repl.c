#include "repl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct repl {
  repl_opts o;
  ms_sel all; /* every scalar metric, when o.sel is NULL */
  size_t n, added, ndev;
  sum_acc *acc;     /* es_metric_count() scalars */
  sum_acc *dev_acc; /* ndev x es_dev_metric_count(), device-major */
  char (*dev_name)[96];
  char scenario[128], policy[32];
  uint64_t seed0; /* seed of replication 0 */
  const scn *s;
  unsigned groups; /* opt-in metric groups reported (engine.h) */
};

repl *repl_new(const scn *s, size_t n, const repl_opts *o) {
  repl *p = calloc(1, sizeof *p);
  es_err e;
  if (!p)
    return NULL;
  p->o = *o;
  p->n = n;
  p->s = s;
  p->groups = es_metric_groups(s) | o->groups;
  p->ndev = s->ninst;
  p->acc = calloc(es_metric_count(), sizeof *p->acc);
  p->dev_acc = calloc(p->ndev * es_dev_metric_count() + 1, sizeof *p->dev_acc);
  p->dev_name = calloc(p->ndev + 1, sizeof *p->dev_name);
  if (!p->acc || !p->dev_acc || !p->dev_name || (!o->sel && ms_all(&p->all, p->groups, &e)))
    return repl_free(p), NULL;
  if (!o->sel)
    p->o.sel = &p->all;
  if (!p->o.sep)
    p->o.sep = ',';
  for (size_t i = 0; i < es_metric_count(); i++)
    sum_init(&p->acc[i]);
  for (size_t i = 0; i < p->ndev * es_dev_metric_count(); i++)
    sum_init(&p->dev_acc[i]);
  return p;
}

void repl_free(repl *p) {
  if (!p)
    return;
  ms_free(&p->all);
  free(p->acc);
  free(p->dev_acc);
  free(p->dev_name);
  free(p);
}

const sum_acc *repl_acc(const repl *p, const ms_sel *sel, size_t i) {
  const ms_col *c = &sel->col[i];
  return c->dev < 0 ? &p->acc[c->idx]
                    : &p->dev_acc[(size_t)c->dev * es_dev_metric_count() + c->idx];
}

/* ---- CSV ------------------------------------------------------------------ */

static void lead(const repl *p, const char *s) {
  if (p->o.lead_names)
    fprintf(p->o.out, "%s%c", s, p->o.sep);
}

static void csv_header(const repl *p, int summary) {
  FILE *f = p->o.out;
  char name[128];
  lead(p, p->o.lead_names);
  if (summary)
    fprintf(f, "scenario%cpolicy%creplications%cseed", p->o.sep, p->o.sep, p->o.sep);
  else
    fprintf(f, "%sscenario%cpolicy%cseed", p->n > 1 ? "replication," : "", p->o.sep, p->o.sep);
  static const char *const stat[] = {"mean", "std", "ci95", "min", "max"};
  for (size_t i = 0; i < p->o.sel->n; i++) {
    ms_name(p->o.sel, i, name, sizeof name);
    for (int k = 0; k < (summary ? 5 : 1); k++)
      fprintf(f, summary ? "%c%s.%s" : "%c%s", p->o.sep, name, stat[k]);
  }
  fputc('\n', f);
}

static void csv_run_row(const repl *p, const es_result *r) {
  FILE *f = p->o.out;
  lead(p, p->o.lead_values);
  if (p->n > 1)
    fprintf(f, "%zu%c", p->added, p->o.sep);
  fprintf(f, "%s%c%s%c%llu", r->scenario, p->o.sep, r->policy, p->o.sep,
          (unsigned long long)r->seed);
  for (size_t i = 0; i < p->o.sel->n; i++) {
    fputc(p->o.sep, f);
    rep_number(f, ms_value(p->o.sel, i, r));
  }
  fputc('\n', f);
}

static void csv_summary_row(const repl *p) {
  FILE *f = p->o.out;
  lead(p, p->o.lead_values);
  fprintf(f, "%s%c%s%c%zu%c%llu", p->scenario, p->o.sep, p->policy, p->o.sep, p->n, p->o.sep,
          (unsigned long long)p->seed0);
  for (size_t i = 0; i < p->o.sel->n; i++) {
    const sum_acc *a = repl_acc(p, p->o.sel, i);
    double v[5] = {sum_mean(a), sum_std(a), sum_ci95(a), a->min, a->max};
    for (int k = 0; k < 5; k++) {
      fputc(p->o.sep, f);
      rep_number(f, v[k]); /* N >= 2: main.c refuses --summary otherwise */
    }
  }
  fputc('\n', f);
}

/* ---- JSON ----------------------------------------------------------------- */

/* Prints a run object indented by four spaces, as an element of "runs". */
static int json_run(const repl *p, const es_result *r, es_err *e) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (!m)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  rep_json(m, r);
  if (fclose(m))
    return free(buf), es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  fputs(p->added ? ",\n" : "{\n  \"replications\": ", p->o.out);
  if (!p->added)
    fprintf(p->o.out, "%zu,\n  \"runs\": [\n", p->n);
  while (len && buf[len - 1] == '\n')
    buf[--len] = 0;
  for (char *line = buf, *nl; line; line = nl ? nl + 1 : NULL) {
    nl = strchr(line, '\n');
    fprintf(p->o.out, "    %.*s%s", nl ? (int)(nl - line) : (int)strlen(line), line,
            nl ? "\n" : "");
  }
  free(buf);
  return 0;
}

static void json_stats(FILE *f, const sum_acc *a) {
  double v[5] = {sum_mean(a), sum_std(a), sum_ci95(a), a->min, a->max};
  static const char *const stat[] = {"mean", "std", "ci95", "min", "max"};
  for (int k = 0; k < 5; k++) {
    fprintf(f, "%s\"%s\": ", k ? ", " : "{", stat[k]);
    rep_number(f, v[k]);
  }
  fputc('}', f);
}

static void leaf_stats(FILE *f, size_t i, void *arg) { json_stats(f, &((repl *)arg)->acc[i]); }

static void json_summary(repl *p) {
  FILE *f = p->o.out;
  fputs("\n  ],\n  \"summary\": {", f);
  rep_json_metrics(f, 4, p->groups, leaf_stats, p);
  fputs(",\n    \"devices\": [", f);
  for (size_t d = 0; d < p->ndev; d++) {
    fprintf(f, "%s\n      {\"name\": ", d ? "," : "");
    rep_json_string(f, p->dev_name[d]);
    for (size_t k = 0; k < es_dev_metric_count(); k++) {
      if (!es_dev_metric_shown(k, p->groups))
        continue;
      fprintf(f, ", \"%s\": ", es_dev_metric_name(k));
      json_stats(f, &p->dev_acc[d * es_dev_metric_count() + k]);
    }
    fputc('}', f);
  }
  fputs("\n    ]\n  }\n}\n", f);
}

/* ---- text ----------------------------------------------------------------- */

static void text_summary(const repl *p) {
  FILE *f = p->o.out;
  char name[128];
  fprintf(f,
          "scenario   %s (policy %s, %zu replications, seed %llu and mixed seeds; "
          "95%% Student-t CI, t = %.4g)\n\n",
          p->scenario, p->policy, p->n, (unsigned long long)p->seed0, sum_t975((double)p->n - 1));
  fprintf(f, "%-34s %14s   %-12s %12s %12s %12s\n", "metric", "mean", "± ci95", "std", "min",
          "max");
  for (size_t i = 0; i < p->o.sel->n; i++) {
    const sum_acc *a = repl_acc(p, p->o.sel, i);
    ms_name(p->o.sel, i, name, sizeof name);
    fprintf(f, "%-34s %14.6g ± %-12.4g %12.4g %12.6g %12.6g\n", name, sum_mean(a), sum_ci95(a),
            sum_std(a), a->min, a->max);
  }
  fprintf(f, "\n%-20s %9s %9s %10s %9s %9s %10s   (means)\n", "device", "served", "rejected",
          "tokens", "tok_util", "slot_util", "energy_Wh");
  for (size_t d = 0; d < p->ndev; d++) {
    const sum_acc *a = &p->dev_acc[d * es_dev_metric_count()];
    fprintf(f, "%-20s %9.1f %9.1f %10.1f %9.3f %9.3f %10.2f\n", p->dev_name[d], a[0].mean,
            a[1].mean, a[2].mean, a[3].mean, a[4].mean, a[5].mean);
  }
}

/* ---- replications in order ------------------------------------------------ */

static void accumulate(repl *p, const es_result *r) {
  for (size_t i = 0; i < es_metric_count(); i++)
    sum_add(&p->acc[i], es_metric_value(r, i));
  for (size_t d = 0; d < p->ndev; d++)
    for (size_t k = 0; k < es_dev_metric_count(); k++)
      sum_add(&p->dev_acc[d * es_dev_metric_count() + k], es_dev_metric_value(&r->dev[d], k));
}

static void remember(repl *p, const es_result *r) {
  snprintf(p->scenario, sizeof p->scenario, "%s", r->scenario);
  snprintf(p->policy, sizeof p->policy, "%s", r->policy);
  p->seed0 = r->seed;
  for (size_t d = 0; d < p->ndev; d++)
    snprintf(p->dev_name[d], sizeof p->dev_name[d], "%s", r->dev[d].name);
}

/* n == 1: the single-run formats of report.h (CSV with the selected columns). */
static void single(repl *p, const es_result *r) {
  if (p->o.format == REP_JSON)
    rep_json(p->o.out, r);
  else if (p->o.format == REP_TEXT)
    rep_text(p->o.out, p->s, r);
  else {
    if (p->o.header)
      csv_header(p, 0);
    csv_run_row(p, r);
  }
}

int repl_add(repl *p, const es_result *r, es_err *e) {
  int rc = 0;
  if (r->ndev != p->ndev)
    return es_fail(e, ES_ERUNTIME, "edgesim: replication with a different device count");
  if (!p->added)
    remember(p, r);
  accumulate(p, r);
  if (p->n == 1 && !p->o.summary)
    single(p, r);
  else if (p->o.format == REP_JSON)
    rc = json_run(p, r, e);
  else if (p->o.format == REP_CSV && !p->o.summary) {
    if (!p->added && p->o.header)
      csv_header(p, 0);
    csv_run_row(p, r);
  }
  p->added++;
  return rc;
}

int repl_finish(repl *p, es_err *e) {
  if (p->added != p->n)
    return es_fail(e, ES_ERUNTIME, "edgesim: %zu of %zu replications ran", p->added, p->n);
  if (p->n == 1 && !p->o.summary)
    return 0;
  if (p->o.format == REP_JSON)
    json_summary(p);
  else if (p->o.format == REP_TEXT)
    text_summary(p);
  else if (p->o.summary) {
    if (p->o.header)
      csv_header(p, 1);
    csv_summary_row(p);
  }
  return 0;
}
