/* fuzz_trace.c: libFuzzer target over the trace reader (sim/trace.c). The
 * input is a trace file's text. An accepted trace is read to its end: every
 * row has a finite time >= the previous one, tokens >= 1, counts at most
 * 10^9; a rejected one gives one line naming the file and the line. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_file.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_write(data, size);
  trace tr;
  es_err e = {0};
  int rc = trace_open(&tr, path, NULL, &e);
  if (rc) {
    fuzz_check_file_error(rc, &e);
    return 0;
  }
  trace_row row;
  double last = 0;
  int r;
  while ((r = trace_next(&tr, &row, &e)) == 1) {
    if (!isfinite(row.t) || row.t < last || row.t < 0)
      fuzz_die_file("time not finite or decreasing", "");
    if (row.tokens < 1 || row.tokens > 1000000000u || row.prompt > 1000000000u)
      fuzz_die_file("token count out of bounds", "");
    last = row.t;
  }
  if (r < 0)
    fuzz_check_file_error(e.code, &e);
  else if (r != 0)
    fuzz_die_file("trace_next returned", "neither 1, 0 nor -1");
  trace_close(&tr);
  return 0;
}
