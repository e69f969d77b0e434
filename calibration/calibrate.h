/* calibrate.h: the edgesim-calibrate command.
 * Measures the host (probe.h), times the kernel on each LM shape (bench.h),
 * projects to every device in models/devices/ (project.h), prints the
 * projections beside published measurements (published.h) and writes one
 * profile per device to the output directory (temp file + rename).
 * Paths are relative to $EDGESIM_ROOT when set, else to the working dir.
 * Returns the exit status: 0 ok, 1 failure, 2 bad usage (one line on err). */
#ifndef ES_CALIBRATE_H
#define ES_CALIBRATE_H

#include <stdio.h>

int calibrate_main(int argc, char **argv, FILE *out, FILE *err);

#endif
