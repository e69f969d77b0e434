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
/* The files tu_write() made, removed when the test program exits (a test
 * that fails stops at its assertion, before any unlink of its own). */
enum { TU_MAX_FILES = 256 };
typedef struct tu_files {
  char path[TU_MAX_FILES][512];
  int n;
} tu_files;

static inline tu_files *tu_files_made(void) {
  static tu_files f;
  return &f;
}

static inline void tu_cleanup(void) {
  tu_files *f = tu_files_made();
  for (int k = 0; k < f->n; k++)
    unlink(f->path[k]);
}

static inline const char *tu_write(const char *name, const char *text) {
  static char path[512];
  const char *dir = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/edgesim-test-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(),
           name);
  tu_files *made = tu_files_made();
  int known = 0;
  for (int k = 0; k < made->n && !known; k++)
    known = strcmp(made->path[k], path) == 0;
  if (!known) {
    assert_true(made->n < TU_MAX_FILES);
    if (made->n == 0)
      atexit(tu_cleanup);
    memcpy(made->path[made->n++], path, sizeof path);
  }
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

#if defined(ES_LIMITER_H) && !defined(ES_TESTUTIL_LIM)
#define ES_TESTUTIL_LIM
/* A standalone limiter group of kind `ops` (no kind keys) with window w
 * over the devices listed in mem (increasing indices into devs). */
static inline void tu_grp_init(lim_grp *g, const lim_ops *ops, double w, dev *devs,
                               const uint32_t *mem, size_t nmem,
                               void (*on_drop)(void *ctx, uint32_t i, double t), void *ctx) {
  *g = (lim_grp){.ops = ops, .w = w, .devs = devs, .nmem = nmem, .on_drop = on_drop, .ctx = ctx};
  g->members = malloc((nmem ? nmem : 1) * sizeof *g->members);
  assert_non_null(g->members);
  memcpy(g->members, mem, nmem * sizeof *mem);
  if (ops->state_size)
    assert_non_null(g->st = calloc(1, ops->state_size));
  if (ops->init)
    assert_int_equal(ops->init(g), 0);
}

static inline void tu_grp_destroy(lim_grp *g) {
  if (g->ops->destroy)
    g->ops->destroy(g);
  free(g->st);
  free(g->members);
}
#endif
