/* fuzz_metrics.c: libFuzzer target over `edgesim metrics FILE.json`
 * (sim/metrics.c). The input is the file's text. A rejected file gives
 * status 2 and one line naming the file; an accepted one prints a table
 * without nan, inf or a negative zero. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_file.h"
#include "metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "-0", "-0.00" as a whole token of the table */
static int negative_zero(const char *s) {
  for (const char *p = strstr(s, "-0"); p; p = strstr(p + 1, "-0")) {
    const char *q = p + 1;
    while (*q == '0' || *q == '.')
      q++;
    if ((p == s || p[-1] == ' ') && (*q == ' ' || *q == '\n' || *q == ',' || !*q))
      return 1;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_write(data, size);
  mt_input in;
  es_err e = {0};
  int rc = mt_load(path, &in, &e);
  if (rc) {
    fuzz_check_file_error(rc, &e);
    return 0;
  }
  char *out = NULL, *err = NULL;
  size_t nout = 0, nerr = 0;
  FILE *fo = open_memstream(&out, &nout), *fe = open_memstream(&err, &nerr);
  char *argv[] = {"metrics", (char *)path, NULL};
  rc = metrics_main(2, argv, fo, fe);
  fclose(fo);
  fclose(fe);
  if (rc != 0 || nerr)
    fuzz_die_file("a loaded file fails in metrics_main", err);
  for (int i = 0; i < in.n; i++) /* names are free text: blank them */
    for (char *p = strstr(out, in.p[i].name); p; p = strstr(p, in.p[i].name))
      memset(p, 'x', strlen(in.p[i].name));
  mt_free(&in);
  if (strstr(out, "nan") || strstr(out, "inf") || negative_zero(out))
    fuzz_die_file("nan, inf or -0 in the table", out);
  free(out);
  free(err);
  return 0;
}
