/* Printing replications: CSV rows and the summary row carry the documented
 * statistics; JSON has the documented shape; one replication prints as a
 * plain run. Results are made by hand, so every number is known. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "repl.h"

static scn *load(void) {
  scn *s = NULL;
  es_err e = {0};
  if (scn_load("scenarios/bursty_random.json", NULL, 0, NULL, &s, &e))
    fail_msg("%s", e.msg);
  return s;
}

/* Replication r: redirected = 10, 20, 30 ...; cloud_usd = r + 0.5. */
static es_result *fake(const scn *s, size_t r) {
  es_result *x = es_result_new(s);
  snprintf(x->scenario, sizeof x->scenario, "demo");
  x->policy = "random";
  x->seed = 100 + r;
  x->redirected = 10.0 * (double)(r + 1);
  x->cloud_usd = (double)r + 0.5;
  for (size_t d = 0; d < x->ndev; d++) {
    snprintf(x->dev[d].name, sizeof x->dev[d].name, "dev%zu", d);
    x->dev[d].served = (double)(d + r);
  }
  return x;
}

/* Feeds n fake replications and returns what was printed (caller frees). */
static char *print(size_t n, repl_opts o, const ms_sel *sel) {
  scn *s = load();
  char *buf = NULL;
  size_t len = 0;
  o.out = open_memstream(&buf, &len);
  o.sel = sel;
  repl *p = repl_new(s, n, &o);
  es_err e = {0};
  for (size_t r = 0; r < n; r++) {
    es_result *x = fake(s, r);
    assert_int_equal(repl_add(p, x, &e), 0);
    es_result_free(x);
  }
  assert_int_equal(repl_finish(p, &e), 0);
  repl_free(p);
  fclose(o.out);
  scn_free(s);
  return buf;
}

static ms_sel sel_of(const char *list) {
  ms_sel sel;
  es_err e = {0};
  assert_int_equal(ms_parse(list, 7, &sel, &e), 0);
  return sel;
}

static void csv_rows(void **state) {
  (void)state;
  ms_sel sel = sel_of("requests.redirected,devices.1.served");
  char *out = print(3, (repl_opts){.format = REP_CSV, .header = 1}, &sel);
  assert_string_equal(out, "replication,scenario,policy,seed,requests.redirected,"
                           "devices.1.served\n"
                           "0,demo,random,100,10,1\n"
                           "1,demo,random,101,20,2\n"
                           "2,demo,random,102,30,3\n");
  free(out);
  ms_free(&sel);
}

static void csv_summary(void **state) {
  (void)state;
  ms_sel sel = sel_of("requests.redirected");
  char *out = print(
      5,
      (repl_opts){
          .format = REP_CSV, .summary = 1, .sep = '\t', .lead_names = "k", .lead_values = "v"},
      &sel);
  /* 10..50: mean 30, std sqrt(250), ci95 = 2.776445 * sqrt(250) / sqrt(5) */
  char want[256];
  snprintf(want, sizeof want, "v\tdemo\trandom\t5\t100\t30\t%.10g\t%.10g\t10\t50\n", sqrt(250),
           2.776445105 * sqrt(250) / sqrt(5));
  assert_string_equal(out, want);
  free(out);
  ms_free(&sel);
}

static void json_shape(void **state) {
  (void)state;
  char *out = print(2, (repl_opts){.format = REP_JSON}, NULL);
  assert_true(!strncmp(out, "{\n  \"replications\": 2,\n  \"runs\": [\n    {\n", 40));
  assert_non_null(
      strstr(out, "\n    },\n    {\n      \"scenario\": \"demo\",\n      \"seed\": 101"));
  assert_non_null(strstr(out, "\n  ],\n  \"summary\": {\n    \"requests\": {"));
  assert_non_null(strstr(out, "\"redirected\": {\"mean\": 15, \"std\": 7.071067812, "));
  assert_non_null(strstr(out, "{\"name\": \"dev1\", \"served\": {\"mean\": 1.5, "));
  const char *end = "}}\n    ]\n  }\n}\n";
  assert_string_equal(out + strlen(out) - strlen(end), end);
  free(out);
}

static void one_is_plain(void **state) {
  (void)state;
  scn *s = load();
  es_result *x = fake(s, 0);
  char *plain = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&plain, &len);
  rep_json(f, x);
  fclose(f);
  char *out = print(1, (repl_opts){.format = REP_JSON}, NULL);
  assert_string_equal(out, plain);
  free(out);
  free(plain);
  es_result_free(x);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(csv_rows),
      cmocka_unit_test(csv_summary),
      cmocka_unit_test(json_shape),
      cmocka_unit_test(one_is_plain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
