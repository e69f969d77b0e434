#include "testutil.h"

#include "jsonint.h"

/* Text, then the value, or the reason it is refused (NULL: accepted). */
static const struct {
  const char *text;
  uint64_t value;
  const char *why;
} CASES[] = {
    {"0", 0, NULL},
    {"1", 1, NULL},
    {"9007199254740993", 9007199254740993ULL, NULL}, /* 2^53 + 1: not a double */
    {"18446744073709551615", UINT64_MAX, NULL},
    {"18446744073709551614", UINT64_MAX - 1, NULL},
    {"1e3", 1000, NULL},
    {"1E+3", 1000, NULL},
    {"1.0", 1, NULL},
    {"150e-2", 0, "not an integer"},
    {"1500e-2", 15, NULL},
    {"1.8446744073709551615e19", UINT64_MAX, NULL},
    {"-0", 0, NULL},
    {"-0.000e7", 0, NULL},
    {"0e99999999999999999999999", 0, NULL},
    {"1.0000000000000001", 0, "not an integer"}, /* cJSON: 1 */
    {"9007199254740993.5", 0, "not an integer"},
    {"1e-400", 0, "not an integer"},
    {"1e-99999999999999999999", 0, "not an integer"},
    {"18446744073709551616", 0, "larger than 2^64 - 1"},
    {"99999999999999999999", 0, "larger than 2^64 - 1"},
    {"100000000000000000000", 0, "larger than 2^64 - 1"},
    {"1e20", 0, "larger than 2^64 - 1"},
    {"1e99999999999999999999", 0, "larger than 2^64 - 1"},
    {"-1", 0, "negative"},
    {"-18446744073709551615", 0, "negative"},
    {"", 0, "not a JSON number"},
    {"01", 0, "not a JSON number"},
    {"1.", 0, "not a JSON number"},
    {".5", 0, "not a JSON number"},
    {"+1", 0, "not a JSON number"},
    {"1e", 0, "not a JSON number"},
    {"1e+", 0, "not a JSON number"},
    {" 1", 0, "not a JSON number"},
    {"1 ", 0, "not a JSON number"},
    {"0x10", 0, "not a JSON number"},
    {"-", 0, "not a JSON number"},
    {"\"1\"", 0, "not a JSON number"},
};

static void exact_or_a_reason(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
    uint64_t v = 12345;
    const char *why = NULL;
    int rc = json_uint64(CASES[i].text, strlen(CASES[i].text), &v, &why);
    if (CASES[i].why) {
      if (rc != -1 || !why || strcmp(why, CASES[i].why))
        fail_msg("'%s': expected '%s', got rc %d, '%s'", CASES[i].text, CASES[i].why, rc,
                 why ? why : "(none)");
      assert_int_equal(v, 12345); /* untouched */
    } else if (rc != 0 || v != CASES[i].value) {
      fail_msg("'%s': expected %llu, got rc %d, %llu (%s)", CASES[i].text,
               (unsigned long long)CASES[i].value, rc, (unsigned long long)v, why ? why : "");
    }
  }
}

/* Only `len` bytes are read: no terminator needed. */
static void reads_len_bytes(void **state) {
  (void)state;
  uint64_t v = 0;
  const char *why;
  assert_int_equal(json_uint64("123456", 3, &v, &why), 0);
  assert_int_equal(v, 123);
}

/* Every number of a parsed tree gets its own text, in document order, and
 * keeps it through cJSON_Duplicate. */
static void attaches_number_text(void **state) {
  (void)state;
  const char *text = "{\"seed\": 9007199254740993, \"a\": [1.0, -0, {\"x\\\"1\": 2e3}],\n"
                     " \"s\": \"12 -3\", \"t\": true, \"n\": null, \"big\": 18446744073709551615}";
  cJSON *root = cJSON_Parse(text);
  assert_non_null(root);
  assert_int_equal(json_attach_number_text(root, text, strlen(text)), 0);
  cJSON *seed = cJSON_GetObjectItemCaseSensitive(root, "seed");
  assert_string_equal(seed->valuestring, "9007199254740993");
  assert_true(seed->valuedouble == 9007199254740992.0); /* what cJSON alone gives */
  cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "a");
  assert_string_equal(cJSON_GetArrayItem(a, 0)->valuestring, "1.0");
  assert_string_equal(cJSON_GetArrayItem(a, 1)->valuestring, "-0");
  assert_string_equal(cJSON_GetArrayItem(a, 2)->child->valuestring, "2e3");
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "s")->valuestring, "12 -3");
  cJSON *copy = cJSON_Duplicate(root, 1);
  cJSON *big = cJSON_GetObjectItemCaseSensitive(copy, "big");
  uint64_t v;
  const char *why;
  assert_int_equal(json_uint64(big->valuestring, strlen(big->valuestring), &v, &why), 0);
  assert_int_equal(v, UINT64_MAX);
  cJSON_Delete(copy);
  cJSON_Delete(root); /* frees the copies (valgrind and ASan check it) */
  /* a bare number, and a text whose numbers are not the tree's */
  cJSON *one = cJSON_Parse("42");
  assert_int_equal(json_attach_number_text(one, "42", 2), 0);
  assert_string_equal(one->valuestring, "42");
  cJSON_Delete(one);
  cJSON *two = cJSON_Parse("[1]");
  assert_int_equal(json_attach_number_text(two, "[1, 2]", 6), -1);
  cJSON_Delete(two);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(exact_or_a_reason),
      cmocka_unit_test(reads_len_bytes),
      cmocka_unit_test(attaches_number_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
