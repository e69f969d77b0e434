/* testrun.h: testutil.h plus a whole run through the engine, for the tests
 * that link the simulator (test_plots does not). */
#ifndef ES_TESTRUN_H
#define ES_TESTRUN_H

#include "engine.h"
#include "testutil.h"

/* One run of s with seed and options o (NULL: defaults); fails the test
 * with es_run's message if it errs. The caller frees the result. */
static inline es_result *tu_run(const scn *s, uint64_t seed, const es_opts *o) {
  es_result *r = es_result_new(s);
  es_err e = {0};
  assert_non_null(r);
  if (es_run(s, seed, o ? o : &(es_opts){0}, r, &e))
    fail_msg("es_run: %s", e.msg);
  return r;
}

#endif
