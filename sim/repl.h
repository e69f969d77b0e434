/* repl.h: printing the replications of one scenario and their summary.
 *
 * A repl receives the results of replications 0..n-1 in order (repl_add)
 * and prints as it goes: JSON runs and CSV rows stream out, and only the
 * running statistics of every scalar and per-device metric are kept
 * (summary.h), so memory does not grow with n. repl_finish() prints the
 * summary. With n == 1 the output is exactly the single-run output of
 * report.h (or the selected CSV columns). The caller owns the repl
 * (repl_new / repl_free) and everything the options point to, which must
 * outlive it.
 *
 * Formats for n > 1:
 *   json  {"replications": n, "runs": [run objects], "summary": {same
 *         nested shape, each number replaced by {"mean","std","ci95","min",
 *         "max"}}}
 *   text  one line per metric: mean +- ci95, std, min, max; device means
 *   csv   header + one row per replication with a leading `replication`
 *         column, or with `summary` one row: <metric>.mean, .std, .ci95,
 *         .min, .max for every selected metric (also with n == 1, where
 *         ci95 is undefined and prints as "nan")
 */
#ifndef ES_REPL_H
#define ES_REPL_H

#include <stdio.h>

#include "engine.h"
#include "mselect.h"
#include "report.h"
#include "summary.h"

typedef struct repl_opts {
  enum rep_format format;
  int header;              /* csv: print the header line */
  int summary;             /* csv: one summary row instead of one row per run */
  char sep;                /* csv separator; 0: ',' */
  const ms_sel *sel;       /* csv and text metrics; NULL: every scalar metric */
  const char *lead_names;  /* csv: leading columns (joined by sep), or NULL */
  const char *lead_values; /* their values for this scenario */
  unsigned groups;         /* opt-in metric groups shown besides the scenario's (sweeps) */
  int ext;                 /* show the queue/service metrics even if s has none (sweeps) */
  FILE *out;
} repl_opts;

typedef struct repl repl;

/* NULL if out of memory. */
repl *repl_new(const scn *s, size_t n, const repl_opts *o);
void repl_free(repl *p);
/* Adds the next replication's result and prints what is due. */
int repl_add(repl *p, const es_result *r, es_err *e);
/* Prints the summary (after all n replications were added). */
int repl_finish(repl *p, es_err *e);

/* Summary of metric column i of `sel` so far (for tests and compare). */
const sum_acc *repl_acc(const repl *p, const ms_sel *sel, size_t i);

#endif
