/* main.c: edgesim-calibrate entry point. What went to stdout must have
 * been written: a full disk or closed stream exits 1, never a silent 0. */
#include <stdio.h>

#include "calibrate.h"

int main(int argc, char **argv) {
  int rc = calibrate_main(argc, argv, stdout, stderr);
  if (!rc && (fflush(stdout) != 0 || ferror(stdout))) {
    fputs("edgesim-calibrate: writing results to stdout failed\n", stderr);
    rc = 1;
  }
  return rc;
}
