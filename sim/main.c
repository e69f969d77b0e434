/* main.c: the edgesim command line. Picks the command (the plain run,
 * `compare`, `sweep`, `metrics`), runs it, and is the only place that
 * prints errors and chooses exit codes. Options are parsed in
 * cli_common.c; the commands live in cli_run.c, cli_compare.c,
 * cli_sweep.c and metrics.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "metrics.h"
#include "ofile.h"

/* Whatever went to stdout (results, --help) must have been written: a full
 * disk or a closed stream is a runtime failure, never a silent exit 0. */
static int check_stdout(const char *who, es_err *e) {
  if (fflush(stdout) == 0 && !ferror(stdout))
    return 0;
  return es_fail(e, ES_ERUNTIME, "%s: writing results to stdout failed", who);
}

int main(int argc, char **argv) {
  es_err e = {0};
  if (argc > 1 && !strcmp(argv[1], "metrics")) { /* its own parser: metrics.c */
    int rc = metrics_main(argc - 1, argv + 1, stdout, stderr);
    if (!rc && check_stdout("edgesim metrics", &e))
      fprintf(stderr, "%s\n", e.msg);
    return rc ? rc : e.code;
  }
  static cli c; /* large: option lists */
  int done = 0, rc = cli_parse(argc, argv, &c, &done, &e);
  if (!rc && !done) {
    ofile_signals();
    if (c.cmd == CMD_COMPARE)
      rc = cli_compare(&c, &e);
    else if (c.cmd == CMD_SWEEP)
      rc = cli_sweep(&c, &e);
    else
      rc = cli_run(&c, &e);
  }
  if (!rc)
    rc = check_stdout("edgesim", &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  return rc;
}
