#include "scenario.h"
#include "testutil.h"

#include <cjson/cJSON.h>

#include "engine.h"
#include "report.h"

static es_result *run_shipped(scn **s) {
  es_err e = {0};
  assert_int_equal(scn_load(tu_scenario("bursty_loadaware.json"), NULL, 0, NULL, s, &e), 0);
  es_result *r = es_result_new(*s);
  es_opts o = {0};
  assert_int_equal(es_run(*s, 1, &o, r, &e), 0);
  return r;
}

static char *print_to_string(void (*fn)(FILE *, const es_result *), const es_result *r) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  fn(f, r);
  fclose(f);
  return buf;
}

static double num(const cJSON *root, const char *a, const char *b) {
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, a);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(g, b);
  if (!cJSON_IsNumber(v))
    fail_msg("%s.%s missing", a, b);
  return v->valuedouble;
}

/* The JSON has the documented shape and agrees with the result struct. */
static void json_shape(void **state) {
  (void)state;
  scn *s;
  es_result *r = run_shipped(&s);
  char *text = print_to_string(rep_json, r);
  cJSON *root = cJSON_Parse(text);
  assert_non_null(root);
  assert_close(num(root, "requests", "generated"), r->generated, 0);
  assert_close(num(root, "requests", "edge_served") + num(root, "requests", "redirected") +
                   num(root, "requests", "dropped"),
               num(root, "requests", "generated"), 0);
  assert_close(num(root, "tokens", "cloud"), r->tok_cloud, 0);
  assert_close(num(root, "cost", "cloud_usd"), r->cloud_usd, 1e-9 * r->cloud_usd);
  assert_close(num(root, "utilization", "cv"), r->util_cv, 1e-9);
  const cJSON *lat = cJSON_GetObjectItemCaseSensitive(root, "latency_s");
  const char *which[] = {"edge", "cloud", "all"}, *stat[] = {"mean", "p50", "p95", "p99"};
  for (int k = 0; k < 3; k++)
    for (int q = 0; q < 4; q++)
      assert_close(num(lat, which[k], stat[q]), r->lat[k][q], 1e-9 * r->lat[k][q]);
  const cJSON *devs = cJSON_GetObjectItemCaseSensitive(root, "devices");
  assert_int_equal(cJSON_GetArraySize(devs), (int)s->ninst);
  const cJSON *d0 = cJSON_GetArrayItem(devs, 0);
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(d0, "name")->valuestring, "agx[0]");
  const char *keys[] = {"served",           "rejected", "tokens", "token_utilization",
                        "slot_utilization", "energy_wh"};
  for (int k = 0; k < 6; k++)
    assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(d0, keys[k])));
  cJSON_Delete(root);
  free(text);
  es_result_free(r);
  scn_free(s);
}

static void csv_header_matches_row(void **state) {
  (void)state;
  scn *s;
  es_result *r = run_shipped(&s);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  rep_csv_header(f);
  rep_csv_row(f, r);
  fclose(f);
  char *nl = strchr(buf, '\n');
  assert_non_null(nl);
  int commas[2] = {0, 0};
  for (char *p = buf; *p; p++)
    commas[p > nl] += *p == ',';
  assert_int_equal(commas[0], commas[1]);
  int shown = 0; /* scenarios without failure or cloud keys: the base metrics */
  for (size_t i = 0; i < es_metric_count(); i++)
    shown += es_metric_shown(i, 0);
  assert_int_equal(commas[0], 2 + shown);
  assert_non_null(strstr(buf, "scenario,policy,seed,requests.generated,"));
  free(buf);
  es_result_free(r);
  scn_free(s);
}

static void numbers_print_deterministically(void **state) {
  (void)state;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  rep_number(f, 3);
  fputc(' ', f);
  rep_number(f, -0.0);
  fputc(' ', f);
  rep_number(f, 0.1);
  fputc(' ', f);
  rep_number(f, 1.0 / 3);
  fclose(f);
  assert_string_equal(buf, "3 0 0.1 0.3333333333");
  free(buf);
}

/* rep_json_string: whatever the bytes, the output parses with cJSON and
 * decodes to the input with each byte that is not UTF-8 replaced by U+FFFD. */
static void json_strings_always_valid(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"plain", "plain"},
      {"back\\slash \"quoted\"", "back\\slash \"quoted\""},
      {"line\nbreak\ttab\x01\x1f\x7f", "line\nbreak\ttab\x01\x1f\x7f"},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
      {"bad\xff\xfe", "bad\xef\xbf\xbd\xef\xbf\xbd"},                           /* never UTF-8 */
      {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                                 /* overlong '/' */
      {"\xed\xa0\x80x", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx"},               /* a surrogate */
      {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
      {"cut\xc3", "cut\xef\xbf\xbd"},                                           /* truncated */
      {"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rep_json_string(f, cases[i].in);
    fclose(f);
    cJSON *v = cJSON_Parse(buf);
    if (!cJSON_IsString(v) || strcmp(v->valuestring, cases[i].out))
      fail_msg("case %zu: printed %s", i, buf);
    for (size_t k = 0; k < len; k++) /* ASCII escapes or valid UTF-8 only */
      assert_true((unsigned char)buf[k] >= 0x20 && buf[k] != 0x7f);
    cJSON_Delete(v);
    free(buf);
  }
}

/* rep_cell never prints a negative zero, whatever the format. */
static void cells_have_no_negative_zero(void **state) {
  (void)state;
  static const struct {
    const char *fmt;
    double x;
    const char *want;
  } cases[] = {
      {"%g", -0.0, "0"},
      {"alpha %g", -0.0, "alpha 0"},
      {"%6.3f", -0.0001, " 0.000"},
      {" %9.2f", -0.004, "      0.00"},
      {"%.2f", -0.004, "0.00"},
      {"%-6.2f|", -0.0, "0.00  |"},
      {"%6.2f", -0.5, " -0.50"},
      {"%g", -1e-7, "-1e-07"},
      {"%10.5g", -0.0, "         0"},
      {"%.0f", -0.4, "0"},
      {"%5.2f", 1.25, " 1.25"},
      {"%e", -0.0, "0.000000e+00"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rep_cell(f, cases[i].fmt, cases[i].x);
    fclose(f);
    if (strcmp(buf, cases[i].want))
      fail_msg("case %zu: '%s', want '%s'", i, buf, cases[i].want);
    free(buf);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(json_shape),
      cmocka_unit_test(json_strings_always_valid),
      cmocka_unit_test(cells_have_no_negative_zero),
      cmocka_unit_test(csv_header_matches_row),
      cmocka_unit_test(numbers_print_deterministically),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
