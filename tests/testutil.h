/* testutil.h: helpers shared by the cmocka tests (header-only). */
#ifndef ES_TESTUTIL_H
#define ES_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Writes `text` to a fresh file under $TMPDIR (or /tmp) named NAME and
 * returns its path in a static buffer (valid until the next call). */
static inline const char *tu_write(const char *name, const char *text) {
  static char path[512];
  const char *dir = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/edgesim-test-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(),
           name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
  return path;
}

/* Models directory of the source tree (ctest sets EDGESIM_ROOT). */
static inline const char *tu_models(void) {
  static char path[512];
  const char *root = getenv("EDGESIM_ROOT");
  snprintf(path, sizeof path, "%s/models", root && *root ? root : ".");
  return path;
}

static inline const char *tu_scenario(const char *name) {
  static char path[512];
  const char *root = getenv("EDGESIM_ROOT");
  snprintf(path, sizeof path, "%s/scenarios/%s", root && *root ? root : ".", name);
  return path;
}

#define assert_close(a, b, tol)                                                                    \
  do {                                                                                             \
    double a_ = (a), b_ = (b);                                                                     \
    if (!(a_ - b_ <= (tol) && b_ - a_ <= (tol)))                                                   \
      fail_msg("%s = %.12g, expected %.12g within %g", #a, a_, b_, (double)(tol));                 \
  } while (0)

#endif

#ifdef ES_SCENARIO_H
/* Loads scenario text (written to a temp file) with overrides; must succeed. */
static inline scn *tu_load(const char *json, const char *const *sets, size_t nsets) {
  es_err e = {0};
  scn *s = NULL;
  const char *path = tu_write("scenario.json", json);
  if (scn_load(path, sets, nsets, tu_models(), &s, &e))
    fail_msg("scn_load failed: %s", e.msg);
  unlink(path);
  return s;
}

/* Loads scenario text that must fail; returns the message (static). */
static inline const char *tu_load_error(const char *json, const char *const *sets, size_t nsets,
                                        int *code) {
  static es_err e;
  scn *s = NULL;
  memset(&e, 0, sizeof e);
  const char *path = tu_write("bad.json", json);
  *code = scn_load(path, sets, nsets, tu_models(), &s, &e);
  unlink(path);
  assert_null(s);
  /* strip the temp path so messages compare against "bad.json: ..." */
  const char *p = strstr(e.msg, "bad.json");
  return p ? p : e.msg;
}
#endif
