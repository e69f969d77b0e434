/* membw_hog.c: a memory-bandwidth hog for testing edgesim-calibrate on a busy
 * host (not a test). A STREAM triad over three arrays of MB megabytes each,
 * forever or for SECONDS, printing its bandwidth every few seconds to stderr.
 *   taskset -c 1 build/tests/bench/membw_hog 256 &    # the other core
 *   build/calibration/edgesim-calibrate --out /tmp/p  # runs on core 0 or 1
 *   kill %1 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 256;
  double secs = argc > 2 ? atof(argv[2]) : 0; /* 0: forever */
  size_t n = mb * 1000000 / sizeof(double);
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
  if (!a || !b || !c || mb == 0) {
    fprintf(stderr, "usage: membw_hog [MB per array (256)] [SECONDS (0: forever)]\n");
    return 2;
  }
  for (size_t i = 0; i < n; i++) {
    a[i] = 0;
    b[i] = 1;
    c[i] = 2;
  }
  double t0 = now(), last = t0, bytes = 0;
  for (;;) {
    for (size_t i = 0; i < n; i++)
      a[i] = b[i] + 3.0 * c[i];
    bytes += 24.0 * (double)n;
    double t = now();
    if (t - last >= 5) {
      fprintf(stderr, "membw_hog: %.1f GB/s (a[1] = %g)\n", bytes / (t - last) / 1e9, a[1]);
      last = t;
      bytes = 0;
    }
    if (secs > 0 && t - t0 >= secs)
      break;
  }
  free(a);
  free(b);
  free(c);
  return 0;
}
