/* test_metrics.c: the paper's Table I from scenarios/table1.json, the
 * metrics command, and one exact error line per kind of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

/* x rounded to `digits` decimals */
static double rd(double x, int digits) {
  double s = pow(10.0, digits);
  return round(x * s) / s;
}

/* x rounded to `sig` significant digits */
static double rsig(double x, int sig) {
  int e = (int)floor(log10(fabs(x)));
  return rd(x, sig - 1 - e);
}

static void test_table1(void **state) {
  (void)state;
  mt_input in;
  es_err err = {0};
  assert_int_equal(mt_load("scenarios/table1.json", &in, &err), 0);
  assert_int_equal(in.n, 3);
  /* exact arithmetic, computed by hand:
   * cloud 48 * $30/M + 249 * $60/M = $0.00144 + $0.01494 = 1.638 cents
   * AGX   0.1646 Wh * 25 c/kWh = 0.004115 cents; Nano 0.0687 Wh -> 0.0017175 cents */
  const double cpr_cents[3] = {1.638, 0.004115, 0.0017175};
  const double u[3] = {0.84, 0.595, 0.565};
  const double pcr_exact[3] = {0.84 / 1.638, 0.595 / 0.004115, 0.565 / 0.0017175};
  for (int i = 0; i < 3; i++) {
    const mt_platform *p = &in.p[i];
    double ui = mt_utility(in.alpha, p->q, p->r), cpr = mt_platform_cpr_usd(&in, p);
    assert_true(fabs(ui - u[i]) < 1e-12);
    assert_true(fabs(ui - p->paper_u) < 1e-12); /* U matches Table I exactly */
    assert_true(fabs(cpr * 100 - cpr_cents[i]) < 1e-12);
    assert_true(fabs(mt_pcr(ui, cpr) - pcr_exact[i]) < 1e-9);
    /* Table I's PCR is U over the CPR as printed: reproduced to 2 decimals */
    assert_true(rd(ui / p->paper_cpr_cents, 2) == p->paper_pcr);
  }
  /* Edge CPRs as printed are the exact values to 2 significant digits. */
  assert_true(rsig(cpr_cents[1], 2) == 0.0041 && rsig(cpr_cents[2], 2) == 0.0017);
  /* Where the paper's rounding differs from exact arithmetic: */
  assert_true(rd(cpr_cents[0], 2) == 1.64);   /* printed 1.65 */
  assert_true(rd(pcr_exact[0], 2) == 0.51);   /* printed 0.51: agrees */
  assert_true(rd(pcr_exact[1], 2) == 144.59); /* printed 145.12 = 0.595 / 0.0041 */
  assert_true(rd(pcr_exact[2], 2) == 328.97); /* printed 332.35 = 0.565 / 0.0017 */
  mt_free(&in);
}

static char *run(const char *file, int *rc, char **errtext) {
  char *o = NULL, *e = NULL;
  size_t on = 0, en = 0;
  FILE *out = open_memstream(&o, &on), *err = open_memstream(&e, &en);
  char *argv[] = {"metrics", (char *)file, NULL};
  *rc = metrics_main(file ? 2 : 1, argv, out, err);
  fclose(out);
  fclose(err);
  *errtext = e;
  return o;
}

static void test_command(void **state) {
  (void)state;
  int rc;
  char *e, *o = run("scenarios/table1.json", &rc, &e);
  assert_int_equal(rc, 0);
  assert_string_equal(e, "");
  assert_non_null(strstr(o, "145.12")); /* U / paper CPR column */
  assert_non_null(strstr(o, "144.59")); /* exact PCR column */
  free(o);
  free(e);
  o = run(NULL, &rc, &e);
  assert_int_equal(rc, 2);
  assert_string_equal(e, "edgesim metrics: expected one FILE.json (see edgesim metrics --help)\n");
  free(o);
  free(e);
}

/* Bad input -> the exact first line on err (PATH stands for the file). */
static const struct {
  const char *json, *expect;
} bad_cases[] = {
    {"{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[{\"name\":\"a\",\"kind\":\"edge\",\"q\":0.5,"
     "\"r\":1,\"energy_wh\":1},{\"name\":\"b\",\"kind\":\"edge\",\"q\":3,\"r\":1,\"energy_wh\":1}]}",
     "PATH: platforms[1].q: must be a number in [0,1], got 3"},
    {"{\"electricity_usd_per_kwh\":0.25,\"platforms\":[]}",
     "PATH: alpha: must be a number in [0,1], got nothing"},
    {"{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[]}",
     "PATH: platforms: must be a non-empty array, got an array"},
    {"{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[{\"name\":\"a\",\"kind\":\"fog\"}]}",
     "PATH: platforms[0].kind: must be \"cloud\" or \"edge\", got \"fog\""},
    {"{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[{\"name\":\"a\",\"kind\":\"edge\",\"q\":1,"
     "\"r\":1}]}",
     "PATH: platforms[0].energy_wh: must be a number in [0,1e+06], got nothing"},
    {"{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[{\"name\":\"a\",\"kind\":\"cloud\",\"q\":1,"
     "\"r\":1,\"prompt_tokens\":\"48\"}]}",
     "PATH: platforms[0].prompt_tokens: must be a number in [0,1e+09], got \"48\""},
    {"{\"alpha\":0.5,\n\"platforms\": [,]}",
     "PATH:2:15: JSON syntax error: expected a value, got ',]}'"},
    /* what the scenario reader refuses, refused the same way */
    {"{\"alpha\":0.5} x",
     "PATH:1:15: JSON syntax error: unexpected text after the JSON value, got 'x'"},
    {"[1]", "PATH: the top level must be a JSON object, got an array"},
    {" \n", "PATH: empty file; expected a JSON object"},
    {"{\"alpha\":0.5,\"alpha\":0.9}", "PATH: alpha: duplicate key"},
    {"{\"alpah\":0.5}", "PATH: alpah: unknown key (did you mean 'alpha'?)"},
    {"{\"x\":0.5}",
     "PATH: x: unknown key; allowed here: source, alpha, electricity_usd_per_kwh, platforms"},
    {"{\"source\":1}", "PATH: source: must be a string, got 1"},
    {"EDGE{\"enrgy_wh\":1}]}",
     "PATH: platforms[0].enrgy_wh: unknown key (did you mean 'energy_wh'?)"},
    {"EDGE{\"energy_wh\":1,\"energy_wh\":2}]}", "PATH: platforms[0].energy_wh: duplicate key"},
    {"EDGE{\"energy_wh\":1,\"prompt_tokens\":2}]}",
     "PATH: platforms[0].prompt_tokens: not used when kind is \"edge\""},
    {"EDGE{\"energy_wh\":1,\"paper\":{\"cpr_cents\":1,\"u\":1,\"pcr\":1,\"pcr\":2}}]}",
     "PATH: platforms[0].paper.pcr: duplicate key"},
    {"EDGE{\"energy_wh\":1,\"paper\":{\"cpr_cents\":0,\"u\":1,\"pcr\":1}}]}",
     "PATH: platforms[0].paper.cpr_cents: must be a number in [1e-09,1e+06], got 0"},
    {"{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[{\"name\":\"a\\nb\",\"kind\":\"edge\"}]}",
     "PATH: platforms[0].name: must be a string of 1 to 63 bytes without control characters, got \"a?b\""},
    /* PCR = U / CPR is never inf */
    {"EDGE{\"energy_wh\":0}]}",
     "PATH: platforms[0]: CPR is 0 (energy_wh 0 x electricity_usd_per_kwh 0.25), so PCR = U / CPR is undefined; "
     "every platform needs a positive cost"},
    {"EDGE{\"energy_wh\":1e-310}]}",
     "PATH: platforms[0]: CPR 2.5e-314 USD is too small: PCR = U / CPR overflows"},
    {"{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[{\"name\":\"c\",\"kind\":\"cloud\",\"q\":1,"
     "\"r\":1,\"prompt_tokens\":48,\"output_tokens\":249,\"input_usd_per_mtok\":0,\"output_usd_per_mtok\":0}]}",
     "PATH: platforms[0]: CPR is 0 (prompt_tokens x input_usd_per_mtok + output_tokens x output_usd_per_mtok), "
     "so PCR = U / CPR is undefined; every platform needs a positive cost"},
};

/* "EDGE{KEYS" stands for a file whose first platform is an edge platform
 * named "a" with q 1, r 1 and KEYS. */
static void expand(const char *json, char *out, size_t n) {
  if (strncmp(json, "EDGE{", 5))
    snprintf(out, n, "%s", json);
  else
    snprintf(out, n,
             "{\"alpha\":0.5,\"electricity_usd_per_kwh\":0.25,\"platforms\":[{\"name\":\"a\","
             "\"kind\":\"edge\",\"q\":1,\"r\":1,%s",
             json + 5);
}

/* `edgesim metrics PATH` exits 2 with "PATH: WHY" and nothing else. */
static void refused(const char *path, const char *why) {
  char want[512];
  snprintf(want, sizeof want, "%s: %s\n", path, why);
  int rc;
  char *e, *o = run(path, &rc, &e);
  assert_int_equal(rc, 2);
  assert_string_equal(e, want);
  free(o);
  free(e);
}

static void test_bad_inputs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    char path[] = "/tmp/edgesim_metrics_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char json[1024];
    expand(bad_cases[i].json, json, sizeof json);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    char want[512];
    snprintf(want, sizeof want, "%s%s\n", path, bad_cases[i].expect + 4);
    int rc;
    char *e, *o = run(path, &rc, &e);
    unlink(path);
    if (rc != 2 || strcmp(e, want))
      fail_msg("case %zu: status %d, got '%s', want '%s'", i, rc, e, want);
    free(o);
    free(e);
  }
  refused("/nonexistent/t.json", "cannot open: No such file or directory");
  /* a directory and a FIFO, which must not block */
  char dir[] = "/tmp/edgesim_metrics_XXXXXX", fifo[64];
  assert_non_null(mkdtemp(dir));
  refused(dir, "is a directory, expected a JSON file");
  snprintf(fifo, sizeof fifo, "%s/f.json", dir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  refused(fifo, "not a regular file, expected a JSON file");
  unlink(fifo);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table1),
      cmocka_unit_test(test_command),
      cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
