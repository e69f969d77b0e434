/* cli_run.c: `edgesim [options] SCENARIO.json`: one run or replications,
 * optionally with a time series, or --validate. */
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "cli.h"
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
    rc = ms_parse(c->metrics, s->ninst, &sel, e);
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

/* --validate: every check a run makes before it starts, without running
 * or creating anything. */
static int validate(const cli *c, const scn *s, es_err *e) {
  ms_sel sel = {0};
  int rc = check_run(c, s, e);
  if (!rc && c->metrics)
    rc = ms_parse(c->metrics, s->ninst, &sel, e);
  ms_free(&sel);
  if (!rc && c->timeseries)
    rc = ofile_check(c->timeseries, e);
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
