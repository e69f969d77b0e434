/* es_name_bad_char: the characters a name may not hold, and where. */
#include "testutil.h"

#include "names.h"

static void refused(void **state) {
  (void)state;
  static const struct {
    const char *s;
    size_t pos;
  } cases[] = {
      {"a\x01", 1},         {"\x1f", 0},           {"tab\there", 3},
      {"new\nline", 3},     {"del\x7f", 3},        {"a,b", 1},
      {"say \"hi\"", 4},    {"c1 \xc2\x80", 3},    /* U+0080 */
      {"c1 \xc2\x9f!", 3},  {"x\xe2\x80\xaa", 1},  /* U+202A LRE */
      {"x\xe2\x80\xae", 1}, {"ab\xe2\x81\xa6", 2}, /* U+2066 LRI */
      {"\xe2\x81\xa9", 0},                         /* U+2069 PDI */
      {"caf\xc3\xa9,", 5},                         /* after a 2-byte letter */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t pos = 999;
    if (!es_name_bad_char(cases[i].s, &pos) || pos != cases[i].pos)
      fail_msg("case %zu: pos %zu, want %zu", i, pos, cases[i].pos);
  }
  assert_int_equal(es_name_bad_char("a,b", NULL), 1);
}

static void accepted(void **state) {
  (void)state;
  static const char *const ok[] = {
      "agx",
      "orin_nano-2.5",
      "a\\b",
      "caf\xc3\xa9", /* e-acute */
      "\xc2\xa0nbsp",
      "\xc2\xa9",
      "\xe2\x80\xa9x",
      "\xe2\x80\xaf", /* U+2029, U+202F */
      "\xe2\x81\xa5",
      "\xe2\x81\xaa",
      "\xf0\x9f\x98\x80",
      "",
      "\xe2\x80", /* cut: not judged */
      "\xc2",
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    size_t pos = 7;
    if (es_name_bad_char(ok[i], &pos) || pos != 7)
      fail_msg("case %zu refused at %zu", i, pos);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(refused),
      cmocka_unit_test(accepted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
