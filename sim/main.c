/* main.c: the edgesim command line. Parses options, loads the scenario,
 * runs, prints. The only file that prints errors and chooses exit codes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "err.h"
#include "ofile.h"
#include "report.h"
#include "scenario.h"

#ifndef EDGESIM_VERSION
#define EDGESIM_VERSION "0.0.0"
#endif

#define MAX_SETS 256

typedef struct cli {
  const char *scenario;
  const char *sets[MAX_SETS];
  size_t nsets;
  int has_seed;
  uint64_t seed;
  enum rep_format format;
  int header, validate;
  const char *timeseries, *models;
  es_opts run;
} cli;

/* Options: one row each; --help prints this table. */
static const struct opt {
  const char *name, *arg, *help;
} OPTS[] = {
    {"--seed", "N", "base random seed (overrides the scenario's \"seed\")"},
    {"--set", "PATH=VALUE", "override a scenario key before validation; repeatable "
                            "(devices.0.count=3; VALUE is JSON, else a string)"},
    {"--format", "FMT", "text (default), json, or csv (header line + one row)"},
    {"--no-header", NULL, "csv: omit the header line (for appending in shell loops)"},
    {"--timeseries", "FILE", "write one TSV row per step (or --interval) to FILE"},
    {"--interval", "S", "time-series interval for workloads without steps (default 60)"},
    {"--warmup", "S", "statistics ignore requests arriving before S seconds (default 0)"},
    {"--models", "DIR", "models directory (default: $EDGESIM_MODELS, SCENARIO/../models)"},
    {"--validate", NULL, "check the scenario and exit; run nothing"},
    {"--help", NULL, "print this help and exit"},
    {"--version", NULL, "print the version and exit"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: edgesim [options] SCENARIO.json\n\n"
             "Discrete-event simulation of an edge cluster serving language-model requests,\n"
             "with sliding-window token limits, dispatch policies and cloud fallback.\n"
             "Results go to stdout; diagnostics to stderr.\n\noptions:\n");
  for (size_t i = 0; i < sizeof OPTS / sizeof *OPTS; i++) {
    char lhs[64];
    snprintf(lhs, sizeof lhs, "%s%s%s", OPTS[i].name, OPTS[i].arg ? " " : "",
             OPTS[i].arg ? OPTS[i].arg : "");
    fprintf(f, "  %-22s %s\n", lhs, OPTS[i].help);
  }
  fprintf(f, "\nexit status:\n");
  for (int c = 0; c <= 2; c++)
    fprintf(f, "  %d  %s\n", c, es_err_text(c));
  fprintf(f, "\nscenario keys:\n");
  scn_print_keys(f);
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (!*s || *s == '-' || *s == '+')
    return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

static int parse_seconds(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || !*s || !isfinite(v) || v < 0)
    return -1;
  *out = v;
  return 0;
}

/* Parses argv into c; returns 0, or ES_EINPUT with a message; *done is set
 * for --help and --version (already printed). */
static int parse_args(int argc, char **argv, cli *c, int *done, es_err *e) {
  *c = (cli){.format = REP_TEXT, .header = 1};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    const struct opt *o = NULL;
    for (size_t k = 0; k < sizeof OPTS / sizeof *OPTS; k++)
      if (!strcmp(a, OPTS[k].name))
        o = &OPTS[k];
    if (a[0] != '-' || !a[1]) {
      if (c->scenario)
        return es_fail(e, ES_EINPUT, "edgesim: one scenario only, got '%s' and '%s'",
                       c->scenario, a);
      c->scenario = a;
      continue;
    }
    if (!o)
      return es_fail(e, ES_EINPUT, "edgesim: unknown option '%s' (see --help)", a);
    if (o->arg && !v)
      return es_fail(e, ES_EINPUT, "edgesim: %s needs a value %s", a, o->arg);
    if (o->arg && !*v)
      return es_fail(e, ES_EINPUT, "edgesim: %s: the value %s is empty", a, o->arg);
    if (o->arg)
      i++;
    if (!strcmp(a, "--help"))
      return usage(stdout), *done = 1, 0;
    if (!strcmp(a, "--version"))
      return printf("edgesim %s\n", EDGESIM_VERSION), *done = 1, 0;
    if (!strcmp(a, "--seed")) {
      if (parse_u64(v, &c->seed) || c->seed > 9007199254740992ull)
        return es_fail(e, ES_EINPUT, "edgesim: --seed: must be an integer in [0, 2^53], got '%s'",
                       v);
      c->has_seed = 1;
    } else if (!strcmp(a, "--set")) {
      if (c->nsets == MAX_SETS)
        return es_fail(e, ES_EINPUT, "edgesim: --set: at most %d overrides", MAX_SETS);
      c->sets[c->nsets++] = v;
    } else if (!strcmp(a, "--format")) {
      if (!strcmp(v, "text"))
        c->format = REP_TEXT;
      else if (!strcmp(v, "json"))
        c->format = REP_JSON;
      else if (!strcmp(v, "csv"))
        c->format = REP_CSV;
      else
        return es_fail(e, ES_EINPUT, "edgesim: --format: must be text, json or csv, got '%s'", v);
    } else if (!strcmp(a, "--no-header")) {
      c->header = 0;
    } else if (!strcmp(a, "--timeseries")) {
      c->timeseries = v;
    } else if (!strcmp(a, "--interval")) {
      if (parse_seconds(v, &c->run.ts_interval_s) || c->run.ts_interval_s <= 0)
        return es_fail(e, ES_EINPUT, "edgesim: --interval: must be a number of seconds > 0, got '%s'", v);
    } else if (!strcmp(a, "--warmup")) {
      if (parse_seconds(v, &c->run.warmup_s))
        return es_fail(e, ES_EINPUT, "edgesim: --warmup: must be a number of seconds >= 0, got '%s'", v);
    } else if (!strcmp(a, "--models")) {
      c->models = v;
    } else if (!strcmp(a, "--validate")) {
      c->validate = 1;
    }
  }
  if (!c->scenario)
    return es_fail(e, ES_EINPUT, "edgesim: missing SCENARIO.json (see --help)");
  return 0;
}

static void print(const cli *c, const scn *s, const es_result *r) {
  if (c->format == REP_JSON)
    rep_json(stdout, r);
  else if (c->format == REP_CSV) {
    if (c->header)
      rep_csv_header(stdout);
    rep_csv_row(stdout, r);
  } else
    rep_text(stdout, s, r);
}

static int simulate(const cli *c, const scn *s, es_err *e) {
  uint64_t seed = c->has_seed ? c->seed : s->seed;
  if (c->run.warmup_s >= s->duration_s)
    return es_fail(e, ES_EINPUT, "edgesim: --warmup: must be < duration_s (%.15g), got %.15g",
                   s->duration_s, c->run.warmup_s);
  double interval = c->run.ts_interval_s > 0 ? c->run.ts_interval_s : 60;
  if (c->timeseries && s->wl.kind != WL_STEPS && s->duration_s / interval > SCN_MAX_STEPS)
    return es_fail(e, ES_EINPUT, "edgesim: --interval: gives %.15g time-series rows in duration_s "
                   "(%.15g); at most %.15g are allowed", ceil(s->duration_s / interval),
                   s->duration_s, SCN_MAX_STEPS);
  es_result *r = es_result_new(s);
  if (!r)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  ofile ts = {.f = NULL};
  es_opts o = c->run;
  int rc = 0;
  if (c->timeseries) {
    rc = ofile_open(&ts, c->timeseries, e);
    o.ts = ts.f;
  }
  if (!rc)
    rc = es_run(s, seed, &o, r, e);
  if (!rc && ts.f)
    rc = ofile_commit(&ts, e);
  else
    ofile_abort(&ts);
  if (!rc)
    print(c, s, r);
  es_result_free(r);
  return rc;
}

int main(int argc, char **argv) {
  es_err e = {0};
  cli c;
  int done = 0, rc = parse_args(argc, argv, &c, &done, &e);
  if (!rc && !done) {
    scn *s = NULL;
    ofile_signals();
    rc = scn_load(c.scenario, c.sets, c.nsets, c.models, &s, &e);
    if (!rc && c.validate)
      fprintf(stderr, "%s: valid (%zu device instances, policy %s)\n", c.scenario, s->ninst,
              scn_policy_name(s->policy));
    else if (!rc)
      rc = simulate(&c, s, &e);
    scn_free(s);
  }
  if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
    rc = es_fail(&e, ES_ERUNTIME, "edgesim: writing results to stdout failed");
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  return rc;
}
