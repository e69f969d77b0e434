/* --metrics: names resolve to scalar or per-device columns; unknown names
 * are input errors that list the valid ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mselect.h"

static void scalars_and_devices(void **state) {
  (void)state;
  ms_sel s;
  es_err e = {0};
  assert_int_equal(
      ms_parse("cost.cloud_usd,requests.redirected,devices.3.token_utilization", 7, &s, &e), 0);
  assert_int_equal(s.n, 3);
  char name[128];
  for (size_t i = 0; i < 3; i++) {
    ms_name(&s, i, name, sizeof name);
    assert_string_equal(name, i == 0   ? "cost.cloud_usd"
                              : i == 1 ? "requests.redirected"
                                       : "devices.3.token_utilization");
  }
  assert_int_equal(s.col[2].dev, 3);
  assert_int_equal(ms_check(&s, 4, &e), 0);
  assert_int_equal(ms_check(&s, 3, &e), ES_EINPUT);
  ms_free(&s);
}

static void unknown_lists_valid(void **state) {
  (void)state;
  ms_sel s;
  const char *bad[] = {"requests.nope", "requests.redirected,,cost.cloud_usd", "devices.0.nope",
                       "requests", "devices.0"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    es_err e = {0};
    assert_int_equal(ms_parse(bad[i], 7, &s, &e), ES_EINPUT);
    assert_non_null(strstr(e.msg, "unknown metric"));
    assert_non_null(strstr(e.msg, "requests.redirected"));
    assert_non_null(strstr(e.msg, "utilization.cv"));
    assert_null(strchr(e.msg, '\n'));
  }
}

/* A device index is decimal digits below the device count, nothing else
 * (strtoul took "-18446744073709551615" as 1 and " +0" as 0). */
static void bad_device_index(void **state) {
  (void)state;
  ms_sel s;
  const char *bad[] = {"devices.-18446744073709551615.served",
                       "devices. +0.served",
                       "devices.+1.served",
                       "devices.-0.served",
                       "devices.01.served",
                       "devices.0x1.served",
                       "devices.7.served",
                       "devices.99999999999999999999999.served",
                       "devices..served",
                       "devices.x.served",
                       "cost.cloud_usd,devices.1 .served"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    es_err e = {0};
    assert_int_equal(ms_parse(bad[i], 7, &s, &e), ES_EINPUT);
    if (!strstr(e.msg, "the device index must be a whole number from 0 to 6"))
      fail_msg("%s: %s", bad[i], e.msg);
    assert_null(strchr(e.msg, '\n'));
  }
  es_err e = {0};
  assert_int_equal(ms_parse("devices.0.served,devices.6.served", 7, &s, &e), 0);
  assert_true(s.n == 2 && s.col[0].dev == 0 && s.col[1].dev == 6);
  ms_free(&s);
}

static void all_is_the_table(void **state) {
  (void)state;
  ms_sel s;
  es_err e = {0};
  assert_int_equal(ms_all(&s, ES_MG_ALL, &e), 0);
  assert_int_equal(s.n, es_metric_count());
  for (size_t i = 0; i < s.n; i++)
    assert_true(s.col[i].dev == -1 && s.col[i].idx == i);
  ms_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(scalars_and_devices),
      cmocka_unit_test(unknown_lists_valid),
      cmocka_unit_test(bad_device_index),
      cmocka_unit_test(all_is_the_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
