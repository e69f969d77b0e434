/* fuzz_common.h: checks shared by the libFuzzer targets.
 *
 * Whatever the input, scn_load_buffer() must return 0 with a scenario, or
 * ES_EINPUT (ES_ERUNTIME only for out of memory) with one non-empty line
 * that names the file. A small accepted scenario is also run, so the engine
 * sees fuzzed parameters; the run must succeed (the conservation check
 * returns ES_ERUNTIME, which is a finding). Any violation aborts, which
 * libFuzzer reports as a crash.
 */
#ifndef ES_FUZZ_COMMON_H
#define ES_FUZZ_COMMON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "scenario.h"

#define FUZZ_FILE "fuzz.json"

static void fuzz_die(const char *what, const char *msg) {
  fprintf(stderr, "fuzz invariant broken: %s: [%s]\n", what, msg);
  abort();
}

static void fuzz_check_error(int rc, const es_err *e) {
  if (rc != ES_EINPUT && rc != ES_ERUNTIME)
    fuzz_die("unexpected status", e->msg);
  if (e->code != rc)
    fuzz_die("status differs from the recorded code", e->msg);
  if (rc == ES_ERUNTIME && !strstr(e->msg, "out of memory"))
    fuzz_die("runtime failure while loading", e->msg);
  if (!e->msg[0] || strchr(e->msg, '\n'))
    fuzz_die("message is not one non-empty line", e->msg);
  if (strncmp(e->msg, FUZZ_FILE, strlen(FUZZ_FILE)) != 0)
    fuzz_die("message does not name the file", e->msg);
}

/* Upper bound on the work of a run: the workload's expected requests (as
 * the run-length limit computes them), plus its steps. */
static double fuzz_expected(const scn *s) {
  double step = scn_step_s(s);
  return scn_expected_requests(s) + (step > 0 ? ceil(s->duration_s / step) : 0);
}

/* Runs small scenarios and checks every metric is finite. */
static void fuzz_run(const scn *s) {
  if (fuzz_expected(s) > 2e4 || s->ninst > 256)
    return;
  es_result *r = es_result_new(s);
  if (!r)
    return;
  es_err e = {0};
  es_opts o = {0};
  if (es_run(s, s->seed, &o, r, &e) != 0)
    fuzz_die("run failed", e.msg);
  for (size_t i = 0; i < es_metric_count(); i++)
    if (!isfinite(es_metric_value(r, i)))
      fuzz_die("metric is not finite", es_metric_name(i));
  es_result_free(r);
}

static void fuzz_load(const char *data, size_t len, const char *const *sets, size_t nsets) {
  scn *s = NULL;
  es_err e = {0};
  int rc = scn_load_buffer(FUZZ_FILE, data, len, sets, nsets, EDGESIM_SOURCE_DIR "/models", &s, &e);
  if (rc) {
    if (s)
      fuzz_die("a scenario was returned with an error", e.msg);
    fuzz_check_error(rc, &e);
    return;
  }
  if (!s || s->ninst < 1 || !(s->duration_s > 0))
    fuzz_die("accepted an invalid scenario", "");
  fuzz_run(s);
  scn_free(s);
}

#endif
