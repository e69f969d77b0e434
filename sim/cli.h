/* cli.h: the parsed command line (cli_common.c) shared by main.c and the
 * commands (cli_run.c, cli_compare.c, cli_sweep.c). Strings point into
 * argv; nothing is owned. Each command returns 0 or an es_err code and
 * prints only results; main.c prints the error. */
#ifndef ES_CLI_H
#define ES_CLI_H

#include <stdint.h>

#include "engine.h"
#include "err.h"
#include "report.h"

#define CLI_MAX_SETS 256
#define CLI_TRACE_LIMIT 100000ull         /* --trace-limit's default */
#define CLI_MAX_TRACE_LIMIT 1000000000ull /* and its largest value */

enum cli_cmd { CMD_RUN = 1, CMD_COMPARE = 2, CMD_SWEEP = 4 };

typedef struct cli {
  enum cli_cmd cmd;
  const char *scenario;
  const char *sets[CLI_MAX_SETS], *set_a[CLI_MAX_SETS], *set_b[CLI_MAX_SETS];
  const char *vary[CLI_MAX_SETS];
  size_t nsets, nset_a, nset_b, nvary;
  int has_seed, has_reps;
  uint64_t seed;
  uint64_t reps; /* --replications, default 1 */
  unsigned jobs; /* --jobs, default: online processors */
  enum rep_format format;
  char sep; /* csv separator: ',' or '\t' (--format tsv) */
  int header, validate, summary;
  const char *metrics; /* --metrics list or NULL */
  const char *timeseries, *models;
  int events;           /* --events: the event log on stdout before the results */
  const char *trace;    /* --trace FILE, or NULL */
  uint64_t trace_limit; /* --trace-limit N (0: not given; the default is CLI_TRACE_LIMIT) */
  es_opts run;
} cli;

/* Parses argv into c; returns 0, or ES_EINPUT with a message; *done is set
 * for --help and --version (already printed on stdout). */
int cli_parse(int argc, char **argv, cli *c, int *done, es_err *e);

/* ES_EINPUT unless the warm-up ends before the horizon and --interval fits
 * the scenario's workload. */
int cli_check_warmup(const cli *c, const scn *s, es_err *e);

int cli_run(const cli *c, es_err *e);
int cli_compare(const cli *c, es_err *e);
int cli_sweep(const cli *c, es_err *e);

#endif
