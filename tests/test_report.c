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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(json_shape),
      cmocka_unit_test(csv_header_matches_row),
      cmocka_unit_test(numbers_print_deterministically),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
