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

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "metrics")) /* its own parser: metrics.c */
    return metrics_main(argc - 1, argv + 1, stdout, stderr);
  es_err e = {0};
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
  if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
    rc = es_fail(&e, ES_ERUNTIME, "edgesim: writing results to stdout failed");
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  return rc;
}
