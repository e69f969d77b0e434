/* cli_run.c: `edgesim [options] SCENARIO.json`: one run or replications,
 * optionally with a time series, an event log (--events) and a trace
 * (--trace), or --validate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "chrome_trace.h"
#include "cli.h"
#include "events.h"
#include "observe.h"
#include "mselect.h"
#include "ofile.h"
#include "repl.h"
#include "rng.h"
#include "scenario.h"

/* ---- edgesim SCENARIO: one run or replications ------------------------------ */

typedef struct run_ctx {
  const scn *s;
  uint64_t seed;
  repl *p;
} run_ctx;

static void run_task(void *arg, size_t i, bat_task *t) {
  const run_ctx *x = arg;
  *t = (bat_task){.s = x->s, .seed = rng_replication_seed(x->seed, i)};
}

static int run_sink(void *arg, size_t i, const es_result *r, es_err *e) {
  (void)i;
  int rc = repl_add(((run_ctx *)arg)->p, r, e);
  if (!rc && ferror(stdout)) /* a full disk: stop now, not after every replication */
    rc = es_fail(e, ES_ERUNTIME, "edgesim: writing results to stdout failed");
  return rc;
}

/* --events and --trace against the other options. */
static int check_observers(const cli *c, es_err *e) {
  if (c->reps > 1 && c->events)
    return es_fail(e, ES_EINPUT,
                   "edgesim: --events: only with a single run, not --replications %llu",
                   (unsigned long long)c->reps);
  if (c->events && c->format == REP_JSON)
    return es_fail(e, ES_EINPUT,
                   "edgesim: --events: the event log is text on stdout, which would not be one "
                   "JSON document; use --format text or csv");
  if (c->reps > 1 && c->trace)
    return es_fail(e, ES_EINPUT, "edgesim: --trace: only with a single replication");
  if (c->trace_limit && !c->trace)
    return es_fail(e, ES_EINPUT, "edgesim: --trace-limit: applies only with --trace FILE");
  if (c->trace && c->timeseries && !strcmp(c->trace, c->timeseries))
    return es_fail(e, ES_EINPUT, "edgesim: --trace: '%s' is also the --timeseries file", c->trace);
  return 0;
}

static int check_run(const cli *c, const scn *s, es_err *e) {
  if (c->reps > 1 && c->timeseries)
    return es_fail(e, ES_EINPUT, "edgesim: --timeseries: only with a single replication");
  if (check_observers(c, e))
    return e->code;
  if ((c->events || c->trace) && obs_slot_count(s) > OBS_MAX_SLOTS)
    return es_fail(
        e, ES_EINPUT, "edgesim: %s: the cluster has %llu slots; at most %llu can be shown",
        c->trace ? "--trace" : "--events", (unsigned long long)obs_slot_count(s), OBS_MAX_SLOTS);
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

/* The observers --events and --trace ask for, chained into o->obs (the
 * trace writes into tr, already open). */
static int observers(const cli *c, const scn *s, ofile *tr, es_opts *o, obs **ev, obs **tw,
                     es_err *e) {
  if (c->trace &&
      !(*tw = ctrace_new(s, tr->f, c->trace_limit ? c->trace_limit : CLI_TRACE_LIMIT, e)))
    return e->code;
  if (c->events && !(*ev = evlog_new(s, stdout, e)))
    return e->code;
  if (*ev)
    (*ev)->next = *tw;
  o->obs = *ev ? *ev : *tw;
  return 0;
}

/* Ends the trace: its last lines, and one line on stderr if the limit cut it. */
static void trace_end(const cli *c, obs *tw) {
  double cut_t = 0;
  if (ctrace_finish(tw, &cut_t))
    fprintf(stderr,
            "edgesim: --trace: %s holds the first %llu events (cut at t=%.6f s); "
            "--trace-limit N keeps more\n",
            c->trace, (unsigned long long)(c->trace_limit ? c->trace_limit : CLI_TRACE_LIMIT),
            cut_t);
}

/* Runs the replications into `x->p`, writing the time series and the trace
 * if asked for into `ts` and `tr` (opened and closed here, committed by the
 * caller), and the event log on stdout. */
static int run_all(const cli *c, run_ctx *x, ofile *ts, ofile *tr, es_err *e) {
  es_opts o = c->run;
  obs *ev = NULL, *tw = NULL;
  int rc = 0;
  if (c->timeseries) {
    rc = ofile_open(ts, c->timeseries, e);
    o.ts = ts->f;
  }
  if (!rc && c->trace)
    rc = ofile_open(tr, c->trace, e);
  if (!rc)
    rc = observers(c, x->s, tr, &o, &ev, &tw, e);
  if (!rc)
    rc = bat_run(c->reps, c->jobs, &o, run_task, run_sink, x, e);
  if (!rc && tw)
    trace_end(c, tw);
  evlog_free(ev);
  ctrace_free(tw);
  if (!rc)
    rc = ofile_close(ts, e);
  if (!rc)
    rc = ofile_close(tr, e);
  return rc;
}

/* With a time series (one replication), results wait in memory until the
 * series is written and closed; the series is renamed into place only after
 * the results reached stdout. Either failure leaves neither. */
static int simulate(const cli *c, const scn *s, es_err *e) {
  ms_sel sel = {0};
  int rc = check_run(c, s, e);
  if (!rc && c->metrics)
    rc = ms_parse_g(c->metrics, s->ninst, (ES_MG_ALL & ~ES_MG_SVC) | es_metric_groups(s), &sel, e);
  if (rc)
    return rc;
  char *held = NULL;
  size_t held_len = 0;
  FILE *out = c->timeseries || c->trace ? open_memstream(&held, &held_len) : stdout;
  if (!out)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  repl_opts ro = {.format = c->format,
                  .header = c->header,
                  .summary = c->summary,
                  .sep = c->sep,
                  .sel = c->metrics ? &sel : NULL,
                  .out = out};
  run_ctx x = {s, c->has_seed ? c->seed : s->seed, repl_new(s, c->reps, &ro)};
  ofile ts = {.f = NULL}, tr = {.f = NULL};
  if (!x.p)
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (!rc)
    rc = run_all(c, &x, &ts, &tr, e);
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
  if (!rc)
    rc = ofile_commit(&tr, e);
  if (rc) {
    ofile_abort(&ts);
    ofile_abort(&tr);
  }
  return rc;
}

/* --validate: every check a run makes before it starts, without running
 * or creating anything. */
static int validate(const cli *c, const scn *s, es_err *e) {
  ms_sel sel = {0};
  int rc = check_run(c, s, e);
  if (!rc && c->metrics)
    rc = ms_parse_g(c->metrics, s->ninst, (ES_MG_ALL & ~ES_MG_SVC) | es_metric_groups(s), &sel, e);
  ms_free(&sel);
  if (!rc && c->timeseries)
    rc = ofile_check(c->timeseries, e);
  if (!rc && c->trace)
    rc = ofile_check(c->trace, e);
  return rc;
}

int cli_run(const cli *c, es_err *e) {
  scn *s = NULL;
  int rc = scn_load(c->scenario, c->sets, c->nsets, c->models, &s, e);
  if (!rc && c->validate)
    rc = validate(c, s, e);
  if (!rc && c->validate)
    fprintf(stderr, "%s: valid (%zu device instances, policy %s)\n", c->scenario, s->ninst,
            scn_policy_name(s));
  else if (!rc)
    rc = simulate(c, s, e);
  scn_free(s);
  return rc;
}
