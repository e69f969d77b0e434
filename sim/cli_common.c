/* cli_common.c: the options every command shares. The option table (which
 * --help prints), parsing argv into a `cli`, and the checks of options
 * against a loaded scenario that the run, compare and sweep all make. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "keys.h"
#include "err.h"
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
    {"--interval", "S", "with --timeseries: interval for workloads without steps (default 60)",
     CMD_RUN},
    {"--warmup", "S", "statistics ignore requests arriving before S seconds (default 0)", ALL},
    {"--models", "DIR", "models directory (default: $EDGESIM_MODELS, SCENARIO/../models)", ALL},
    {"--validate", NULL, "check the scenario and exit; run nothing", CMD_RUN},
    {"--events", NULL,
     "one run: print every arrival, dispatch decision, admission test, completion and window "
     "expiry on stdout, then a blank line and the results (text or csv)",
     CMD_RUN},
    {"--trace", "FILE",
     "one run: write its events to FILE as Chrome Trace Event JSON (open in Perfetto or "
     "chrome://tracing)",
     CMD_RUN},
    {"--trace-limit", "N", "with --trace: at most N events, 1 to 10^9 (default 100000)", CMD_RUN},
    {"--set-a", "PATH=VALUE", "compare: an override of variant A; repeatable", CMD_COMPARE},
    {"--set-b", "PATH=VALUE", "compare: an override of variant B; repeatable", CMD_COMPARE},
    {"--vary", "PATH=V1,V2,...",
     "sweep: values of one key; repeatable (cartesian product, first --vary outermost)", CMD_SWEEP},
    {"--help", NULL, "print this help and exit", ALL},
    {"--keys", NULL, "print the scenario key table as TSV (path, type, default, meaning) and exit",
     ALL},
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

/* "edgesim", "edgesim compare and edgesim sweep", ...: the commands of `cmds`. */
static const char *cmd_names(int cmds) {
  static char buf[96];
  buf[0] = 0;
  for (int k = CMD_RUN; k <= CMD_SWEEP; k <<= 1)
    if (cmds & k)
      snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? " and " : "",
               CMD_NAME[k]);
  return buf;
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
  } else if (!strcmp(a, "--trace-limit")) {
    if (parse_u64(v, &c->trace_limit) || c->trace_limit < 1 || c->trace_limit > CLI_MAX_TRACE_LIMIT)
      return es_fail(e, ES_EINPUT,
                     "edgesim: --trace-limit: must be an integer in [1, %llu], got '%s'",
                     CLI_MAX_TRACE_LIMIT, v);
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
  if (!strcmp(a, "--keys")) {
    key_print_tsv(1);
    scn_print_keys(stdout);
    key_print_tsv(0);
    return *done = 1, 0;
  }
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
  else if (!strcmp(a, "--events"))
    c->events = 1;
  else if (!strcmp(a, "--trace"))
    c->trace = v;
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

int cli_parse(int argc, char **argv, cli *c, int *done, es_err *e) {
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
    if (!o)
      return es_fail(e, ES_EINPUT, "%s: unknown option '%s' (see --help)", CMD_NAME[c->cmd], a);
    if (!(o->cmds & (int)c->cmd))
      return es_fail(e, ES_EINPUT, "%s: %s: not an option of this command (only of %s)",
                     CMD_NAME[c->cmd], a, cmd_names(o->cmds));
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
                   "(workload.step_s); --interval is for the other workload kinds");
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
