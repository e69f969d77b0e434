/* main.c: the edgesim command line. Parses options, loads the scenario,
 * runs (one run or replications), prints. The subcommands `compare` and
 * `sweep` live in cli_compare.c and cli_sweep.c. The only file that prints
 * errors and chooses exit codes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "engine.h"
#include "err.h"
#include "metrics.h"
#include "mselect.h"
#include "ofile.h"
#include "repl.h"
#include "metrics.h"
#include "report.h"
#include "rng.h"
#include "scenario.h"

#ifndef EDGESIM_VERSION
#define EDGESIM_VERSION "0.0.0"
#endif

#define ALL (CMD_RUN | CMD_COMPARE | CMD_SWEEP)
#define MAX_REPLICATIONS 100000000ull
#define MAX_JOBS 1024u

/* Options: one row each, with the commands that accept them; --help prints
 * this table. */
static const struct opt {
  const char *name, *arg, *help;
  int cmds;
} OPTS[] = {
    {"--seed", "N", "base random seed, 0 to 2^64-1 (overrides the scenario's \"seed\")", ALL},
    {"--set", "PATH=VALUE",
     "override a scenario key before validation; repeatable "
     "(devices.0.count=3; VALUE is JSON, else a string)",
     ALL},
    {"--format", "FMT",
     "text (default), json, or csv (header line + rows); sweep: csv (default) or tsv", ALL},
    {"--no-header", NULL, "csv only: omit the header line (for appending in shell loops)", ALL},
    {"--replications", "N",
     "independent replications with seeds rng_replication_seed(seed, r) (default 1; "
     "compare: 20)",
     ALL},
    {"--jobs", "J", "threads for the runs (default: online processors); same output for any J",
     ALL},
    {"--summary", NULL, "csv: one summary row instead of one row per replication", CMD_RUN},
    {"--metrics", "A,B,...",
     "csv columns or text-summary rows by dotted name (cost.cloud_usd,devices.0.served)", ALL},
    {"--timeseries", "FILE", "write one TSV row per step (or --interval) to FILE", CMD_RUN},
    {"--interval", "S", "with --timeseries: interval for poisson and trace workloads (default 60)",
     CMD_RUN},
    {"--warmup", "S", "statistics ignore requests arriving before S seconds (default 0)", ALL},
    {"--models", "DIR", "models directory (default: $EDGESIM_MODELS, SCENARIO/../models)", ALL},
    {"--validate", NULL, "check the scenario and exit; run nothing", CMD_RUN},
    {"--set-a", "PATH=VALUE", "compare: an override of variant A; repeatable", CMD_COMPARE},
    {"--set-b", "PATH=VALUE", "compare: an override of variant B; repeatable", CMD_COMPARE},
    {"--vary", "PATH=V1,V2,...",
     "sweep: values of one key; repeatable (cartesian product, first --vary outermost)", CMD_SWEEP},
    {"--help", NULL, "print this help and exit", ALL},
    {"--version", NULL, "print the version and exit", ALL},
};

static const char *const CMD_NAME[] = {"", "edgesim", "edgesim compare", "", "edgesim sweep"};

static void usage(FILE *f) {
  fprintf(
      f, "usage: edgesim [options] SCENARIO.json\n"
         "       edgesim compare [options] SCENARIO.json --set-a PATH=VALUE --set-b "
         "PATH=VALUE\n"
         "       edgesim sweep [options] SCENARIO.json --vary PATH=V1,V2,... [--vary ...]\n"
         "       edgesim metrics FILE.json   (the paper's Section IV: U, CPR, PCR per platform)\n\n"
         "Discrete-event simulation of an edge cluster serving language-model requests,\n"
         "with sliding-window token limits, dispatch policies and cloud fallback.\n"
         "compare runs variants A and B on the same seeds (common random numbers) and\n"
         "reports the paired difference B - A with its 95%% CI; sweep prints one CSV row\n"
         "per point of the cartesian product of the --vary values.\n"
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
  if (!(*s >= '0' && *s <= '9')) /* strtoull would skip spaces and take a sign */
    return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

/* A plain decimal number of seconds >= 0: no spaces, sign, hex, inf or nan
 * (strtod takes them all); a value too small for a double (underflow) is
 * fine, one too large is not. */
static int parse_seconds(const char *s, double *out) {
  char *end;
  if (!(*s >= '0' && *s <= '9') && !(*s == '.' && s[1] >= '0' && s[1] <= '9'))
    return -1;
  if (strpbrk(s, "xXpP"))
    return -1;
  errno = 0;
  double v = strtod(s, &end);
  if (*end || !isfinite(v) || v < 0 || (errno == ERANGE && v > 1))
    return -1;
  *out = v;
  return 0;
}

static int add_to(const char **list, size_t *n, const char *opt, const char *v, es_err *e) {
  if (*n == CLI_MAX_SETS)
    return es_fail(e, ES_EINPUT, "edgesim: %s: at most %d of them", opt, CLI_MAX_SETS);
  list[(*n)++] = v;
  return 0;
}

static int parse_format(cli *c, const char *v, es_err *e) {
  static const struct {
    const char *name;
    enum rep_format f;
    char sep;
  } F[] = {{"text", REP_TEXT, ','},
           {"json", REP_JSON, ','},
           {"csv", REP_CSV, ','},
           {"tsv", REP_CSV, '\t'}};
  for (size_t i = 0; i < sizeof F / sizeof *F; i++)
    if (!strcmp(v, F[i].name) && (F[i].sep == ',' || c->cmd == CMD_SWEEP) &&
        (c->cmd != CMD_SWEEP || F[i].f == REP_CSV))
      return c->format = F[i].f, c->sep = F[i].sep, 0;
  return es_fail(e, ES_EINPUT, "%s: --format: must be %s, got '%s'", CMD_NAME[c->cmd],
                 c->cmd == CMD_SWEEP ? "csv or tsv" : "text, json or csv", v);
}

/* Options that take a number. */
static int parse_number(cli *c, const char *a, const char *v, es_err *e) {
  uint64_t u = 0;
  if (!strcmp(a, "--seed")) {
    /* the whole 64-bit range, so a replication's seed (printed by the runs
     * of --replications) can be run on its own */
    if (parse_u64(v, &c->seed))
      return es_fail(e, ES_EINPUT, "edgesim: --seed: must be an integer in [0, 2^64 - 1], got '%s'",
                     v);
    c->has_seed = 1;
  } else if (!strcmp(a, "--replications")) {
    if (parse_u64(v, &c->reps) || c->reps < 1 || c->reps > MAX_REPLICATIONS)
      return es_fail(e, ES_EINPUT,
                     "edgesim: --replications: must be an integer in [1, %llu], got '%s'",
                     MAX_REPLICATIONS, v);
    c->has_reps = 1;
  } else if (!strcmp(a, "--jobs")) {
    if (parse_u64(v, &u) || u < 1 || u > MAX_JOBS)
      return es_fail(e, ES_EINPUT, "edgesim: --jobs: must be an integer in [1, %u], got '%s'",
                     MAX_JOBS, v);
    c->jobs = (unsigned)u;
  } else if (!strcmp(a, "--interval")) {
    if (parse_seconds(v, &c->run.ts_interval_s) || c->run.ts_interval_s <= 0)
      return es_fail(e, ES_EINPUT, "edgesim: --interval: must be a number of seconds > 0, got '%s'",
                     v);
  } else if (!strcmp(a, "--warmup")) {
    if (parse_seconds(v, &c->run.warmup_s))
      return es_fail(e, ES_EINPUT, "edgesim: --warmup: must be a number of seconds >= 0, got '%s'",
                     v);
  }
  return 0;
}

/* One option with its value (NULL for flags). */
static int apply(cli *c, const char *a, const char *v, int *done, es_err *e) {
  if (!strcmp(a, "--help"))
    return usage(stdout), *done = 1, 0;
  if (!strcmp(a, "--version"))
    return printf("edgesim %s\n", EDGESIM_VERSION), *done = 1, 0;
  if (!strcmp(a, "--set"))
    return add_to(c->sets, &c->nsets, a, v, e);
  if (!strcmp(a, "--set-a"))
    return add_to(c->set_a, &c->nset_a, a, v, e);
  if (!strcmp(a, "--set-b"))
    return add_to(c->set_b, &c->nset_b, a, v, e);
  if (!strcmp(a, "--vary"))
    return add_to(c->vary, &c->nvary, a, v, e);
  if (!strcmp(a, "--format"))
    return parse_format(c, v, e);
  if (!strcmp(a, "--no-header"))
    c->header = 0;
  else if (!strcmp(a, "--summary"))
    c->summary = 1;
  else if (!strcmp(a, "--metrics"))
    c->metrics = v;
  else if (!strcmp(a, "--timeseries"))
    c->timeseries = v;
  else if (!strcmp(a, "--models"))
    c->models = v;
  else if (!strcmp(a, "--validate"))
    c->validate = 1;
  else
    return parse_number(c, a, v, e);
  return 0;
}

static const struct opt *find_opt(const char *a) {
  for (size_t k = 0; k < sizeof OPTS / sizeof *OPTS; k++)
    if (!strcmp(a, OPTS[k].name))
      return &OPTS[k];
  return NULL;
}

/* Parses argv into c; returns 0, or ES_EINPUT with a message; *done is set
 * for --help and --version (already printed). */
static int parse_args(int argc, char **argv, cli *c, int *done, es_err *e) {
  *c = (cli){.cmd = CMD_RUN, .format = REP_TEXT, .sep = ',', .header = 1, .reps = 1};
  c->jobs = bat_default_jobs();
  int i = 1;
  if (argc > 1 && !strcmp(argv[1], "compare"))
    c->cmd = CMD_COMPARE, c->format = REP_TEXT, i = 2;
  else if (argc > 1 && !strcmp(argv[1], "sweep"))
    c->cmd = CMD_SWEEP, c->format = REP_CSV, i = 2;
  for (; i < argc && !*done; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    const struct opt *o = find_opt(a);
    if (a[0] != '-' || !a[1]) {
      if (c->scenario)
        return es_fail(e, ES_EINPUT, "%s: one scenario only, got '%s' and '%s'", CMD_NAME[c->cmd],
                       c->scenario, a);
      c->scenario = a;
      continue;
    }
    if (!o || !(o->cmds & (int)c->cmd))
      return es_fail(e, ES_EINPUT, "%s: unknown option '%s' (see --help)", CMD_NAME[c->cmd], a);
    if (o->arg && !v)
      return es_fail(e, ES_EINPUT, "%s: %s needs a value %s", CMD_NAME[c->cmd], a, o->arg);
    if (o->arg && !*v)
      return es_fail(e, ES_EINPUT, "%s: %s: the value %s is empty", CMD_NAME[c->cmd], a, o->arg);
    if (o->arg)
      i++;
    if (apply(c, a, o->arg ? v : NULL, done, e))
      return e->code;
  }
  if (!c->scenario && !*done)
    return es_fail(e, ES_EINPUT, "%s: missing SCENARIO.json (see --help)", CMD_NAME[c->cmd]);
  if (!c->header && c->format != REP_CSV && !*done)
    return es_fail(e, ES_EINPUT, "%s: --no-header: applies to --format csv only", CMD_NAME[c->cmd]);
  if (c->metrics && c->format == REP_JSON && !*done)
    return es_fail(e, ES_EINPUT,
                   "%s: --metrics: JSON output always has every metric; it "
                   "selects csv columns or text rows",
                   CMD_NAME[c->cmd]);
  return 0;
}

int cli_check_warmup(const cli *c, const scn *s, es_err *e) {
  if (c->run.ts_interval_s > 0 && !c->timeseries)
    return es_fail(e, ES_EINPUT, "edgesim: --interval: applies only with --timeseries FILE");
  if (c->run.ts_interval_s > 0 && scn_step_s(s) > 0)
    return es_fail(e, ES_EINPUT,
                   "edgesim: --interval: a steps workload writes one row per step "
                   "(workload.step_s); --interval is for poisson and trace");
  if (c->run.warmup_s >= s->duration_s)
    return es_fail(e, ES_EINPUT, "edgesim: --warmup: must be < duration_s (%.15g), got %.15g",
                   s->duration_s, c->run.warmup_s);
  double interval = c->run.ts_interval_s > 0 ? c->run.ts_interval_s : 60;
  if (c->timeseries && scn_step_s(s) == 0 && s->duration_s / interval > SCN_MAX_STEPS)
    return es_fail(e, ES_EINPUT,
                   "edgesim: --interval: gives %.15g time-series rows in duration_s "
                   "(%.15g); at most %.15g are allowed",
                   ceil(s->duration_s / interval), s->duration_s, SCN_MAX_STEPS);
  return 0;
}

/* ---- edgesim SCENARIO: one run or replications ------------------------------ */

typedef struct run_ctx {
  const scn *s;
  uint64_t seed;
  repl *p;
} run_ctx;

static void run_task(void *arg, size_t i, bat_task *t) {
  const run_ctx *x = arg;
  *t = (bat_task){x->s, rng_replication_seed(x->seed, i)};
}

static int run_sink(void *arg, size_t i, const es_result *r, es_err *e) {
  (void)i;
  return repl_add(((run_ctx *)arg)->p, r, e);
}

static int check_run(const cli *c, const scn *s, es_err *e) {
  if (c->reps > 1 && c->timeseries)
    return es_fail(e, ES_EINPUT, "edgesim: --timeseries: only with a single replication");
  if (c->summary && c->format != REP_CSV)
    return es_fail(e, ES_EINPUT, "edgesim: --summary: needs --format csv");
  if (c->metrics && c->format == REP_TEXT && c->reps < 2)
    return es_fail(e, ES_EINPUT,
                   "edgesim: --metrics: selects csv columns, or the rows of the "
                   "text summary of --replications N with N >= 2");
  if (c->summary && c->reps < 2)
    return es_fail(e, ES_EINPUT,
                   "edgesim: --summary: needs --replications N with N >= 2 "
                   "(a confidence interval needs two replications)");
  return cli_check_warmup(c, s, e);
}

/* Runs the replications into `x->p`, writing the time series if asked for
 * into `ts` (opened and closed here, committed by the caller). */
static int run_all(const cli *c, run_ctx *x, ofile *ts, es_err *e) {
  es_opts o = c->run;
  int rc = 0;
  if (c->timeseries) {
    rc = ofile_open(ts, c->timeseries, e);
    o.ts = ts->f;
  }
  if (!rc)
    rc = bat_run(c->reps, c->jobs, &o, run_task, run_sink, x, e);
  if (!rc)
    rc = ofile_close(ts, e);
  return rc;
}

/* With a time series (one replication), results wait in memory until the
 * series is written and closed; the series is renamed into place only after
 * the results reached stdout. Either failure leaves neither. */
static int simulate(const cli *c, const scn *s, es_err *e) {
  ms_sel sel = {0};
  int rc = check_run(c, s, e);
  if (!rc && c->metrics)
    rc = ms_parse_x(c->metrics, s->ninst, s->ext, &sel, e);
  if (rc)
    return rc;
  char *held = NULL;
  size_t held_len = 0;
  FILE *out = c->timeseries ? open_memstream(&held, &held_len) : stdout;
  if (!out)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  repl_opts ro = {.format = c->format,
                  .header = c->header,
                  .summary = c->summary,
                  .sep = c->sep,
                  .sel = c->metrics ? &sel : NULL,
                  .out = out};
  run_ctx x = {s, c->has_seed ? c->seed : s->seed, repl_new(s, c->reps, &ro)};
  ofile ts = {.f = NULL};
  if (!x.p)
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (!rc)
    rc = run_all(c, &x, &ts, e);
  if (!rc)
    rc = repl_finish(x.p, e);
  repl_free(x.p);
  ms_free(&sel);
  if (out != stdout) {
    if (fclose(out) && !rc)
      rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
    if (!rc && (fwrite(held, 1, held_len, stdout) != held_len || fflush(stdout) != 0))
      rc = es_fail(e, ES_ERUNTIME, "edgesim: writing results to stdout failed");
    free(held);
  }
  if (!rc)
    rc = ofile_commit(&ts, e);
  else
    ofile_abort(&ts);
  return rc;
}

static int cmd_run(const cli *c, es_err *e) {
  scn *s = NULL;
  int rc = scn_load(c->scenario, c->sets, c->nsets, c->models, &s, e);
  if (!rc && c->validate)
    fprintf(stderr, "%s: valid (%zu device instances, policy %s)\n", c->scenario, s->ninst,
            scn_policy_name(s));
  else if (!rc)
    rc = simulate(c, s, e);
  scn_free(s);
  return rc;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "metrics")) /* its own parser: metrics.c */
    return metrics_main(argc - 1, argv + 1, stdout, stderr);
  es_err e = {0};
  static cli c; /* large: option lists */
  int done = 0, rc = parse_args(argc, argv, &c, &done, &e);
  if (!rc && !done) {
    ofile_signals();
    if (c.cmd == CMD_COMPARE)
      rc = cli_compare(&c, &e);
    else if (c.cmd == CMD_SWEEP)
      rc = cli_sweep(&c, &e);
    else
      rc = cmd_run(&c, &e);
  }
  if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
    rc = es_fail(&e, ES_ERUNTIME, "edgesim: writing results to stdout failed");
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  return rc;
}
