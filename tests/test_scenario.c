#include "scenario.h"
#include "kinds.h"
#include "workload.h"
#include "testutil.h"

#include <sys/stat.h>

static const char *BASE =
    "{\"duration_s\": 3600, \"seed\": 7,\n"
    " \"workload\": {\"kind\": \"steps\", \"users\": 30, \"step_s\": 60, \"p_active\": 0.3,\n"
    "   \"burst\": {\"every_s\": 600, \"length_s\": 120, \"p_active\": 0.9},\n"
    "   \"tokens\": {\"values\": [50, 100, 200, 300, 500], \"weights\": [35, 25, 20, 12, 8]}},\n"
    " \"devices\": [\n"
    "   {\"name\": \"big\", \"count\": 2, \"token_capacity\": 800, \"max_parallel\": 4,"
    " \"tgs\": 40, \"ttft_s\": 0.28, \"power_active_w\": 40, \"power_idle_w\": 15},\n"
    "   {\"name\": \"small\", \"token_capacity\": 200, \"max_parallel\": 1,"
    " \"tgs\": 20, \"ttft_s\": 0.33, \"power_active_w\": 15, \"power_idle_w\": 7}],\n"
    " \"limiter\": {\"kind\": \"sliding_window\", \"window_s\": 60},\n"
    " \"dispatch\": {\"policy\": \"weighted\"}}\n";

static void parses_and_defaults(void **state) {
  (void)state;
  scn *s = tu_load(BASE, NULL, 0);
  assert_int_equal(s->seed, 7);
  assert_close(s->duration_s, 3600, 0);
  assert_string_equal(scn_workload_name(s), "steps");
  const wl_tokens *k = s->wl.cfg; /* the steps kind's cfg starts with its token sizes */
  assert_close(dist_mean(&k->tokens), 158.5, 1e-12);
  assert_close(dist_mean(&k->prompt), 48, 0); /* default prompt */
  assert_close(scn_step_s(s), 60, 0);
  assert_string_equal(scn_limiter_name(&s->lim), "sliding_window");
  assert_ptr_equal(s->dev[0].lim.cfg, s->lim.cfg); /* borrowed: no limiter of its own */
  assert_int_equal(s->ndev, 2);
  assert_int_equal(s->ninst, 3);
  assert_string_equal(s->dev[1].name, "small");
  assert_string_equal(scn_policy_name(s), "weighted");
  assert_true(s->cloud.enabled); /* cloud block defaults */
  assert_close(s->cloud.price_in, 30, 0);
  assert_close(s->cloud.price_out, 60, 0);
  assert_close(s->cloud.rtt_s, 0.05, 0);
  assert_close(s->cloud.ttft_s, 0.71, 0);
  assert_close(s->cloud.tgs, 50, 0);
  assert_close(s->energy_price, 0.25, 0);
  assert_non_null(strstr(s->name, "scenario")); /* default name: the file stem */
  scn_free(s);
}

static void set_overrides_before_validation(void **state) {
  (void)state;
  const char *sets[] = {"limiter.window_s=30", "dispatch.policy=random", "devices.0.count=3",
                        "name=renamed",        "cloud.enabled=false",    "workload.tokens=77"};
  scn *s = tu_load(BASE, sets, 6);
  assert_close(s->lim.window_s, 30, 0);
  assert_string_equal(scn_policy_name(s), "random"); /* VALUE not JSON: taken as a string */
  assert_int_equal(s->ninst, 4);
  assert_string_equal(s->name, "renamed");
  assert_false(s->cloud.enabled);
  assert_close(dist_mean(&((const wl_tokens *)s->wl.cfg)->tokens), 77, 0);
  scn_free(s);
}

/* A device naming a profile inherits its numbers; its own keys override. */
static void profiles_are_inherited(void **state) {
  (void)state;
  char dir[256], sub[300], file[400];
  snprintf(dir, sizeof dir, "/tmp/edgesim-test-models-%ld", (long)getpid());
  snprintf(sub, sizeof sub, "%s/profiles", dir);
  mkdir(dir, 0700);
  mkdir(sub, 0700);
  snprintf(file, sizeof file, "%s/board.json", sub);
  FILE *f = fopen(file, "w");
  fputs("{\"profile\": \"board\", \"power_active_w\": 30, \"power_idle_w\": 5, \"lm\": {"
        "\"small-lm\": {\"tgs\": 25, \"ttft_s\": 0.5, \"fits\": true},"
        "\"huge-lm\": {\"tgs\": 2, \"ttft_s\": 9, \"fits\": false}}}",
        f);
  fclose(f);
  const char *sets[] = {"devices.1={\"profile\": \"board\", \"lm\": \"small-lm\", "
                        "\"token_capacity\": 100, \"max_parallel\": 2, \"tgs\": 30}"};
  es_err e = {0};
  scn *s = NULL;
  const char *path = tu_write("p.json", BASE);
  assert_int_equal(scn_load(path, sets, 1, dir, &s, &e), 0);
  assert_string_equal(s->dev[1].name, "board"); /* default name: the profile */
  assert_close(s->dev[1].tgs, 30, 0);           /* overridden */
  assert_close(s->dev[1].ttft_s, 0.5, 0);       /* inherited */
  assert_close(s->dev[1].power_active_w, 30, 0);
  assert_close(s->dev[1].power_idle_w, 5, 0);
  scn_free(s);
  const char *oom[] = {"devices.1={\"profile\": \"board\", \"lm\": \"huge-lm\", "
                       "\"token_capacity\": 100, \"max_parallel\": 2}"};
  assert_int_equal(scn_load(path, oom, 1, dir, &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "devices[1].lm: \"huge-lm\" does not fit in the memory of "
                                "\"board\""));
  unlink(path);
  unlink(file);
  rmdir(sub);
  rmdir(dir);
}

/* Each bad input: one override (or none) and the exact message after the
 * file name. */
static const struct {
  const char *set, *msg;
} BAD_SETS[] = {
    {"devices.1.max_parallel=-1",
     "bad.json: devices[1].max_parallel: must be an integer in [1, 1000000], got -1"},
    {"devices.0.count=2.5", "bad.json: devices[0].count: must be an integer in [1, 1000000], "
                            "got 2.5"},
    {"limiter.windows_s=30", "bad.json: limiter.windows_s: unknown key (did you mean "
                             "'window_s'?)"},
    {"zzz=1", "bad.json: zzz: unknown key; allowed here: name, seed, duration_s, workload, "
              "devices, limiter, dispatch, cloud, energy, utility, difficulty, routing, slo"},
    /* @ROWS@: the registry's names, so adding a policy changes no case */
    {"dispatch.policy=fastest", "bad.json: dispatch.policy: must be one of @ROWS@, got "
                                "\"fastest\""},
    {"workload.burst.length_s=700", "bad.json: workload.burst.length_s: must be <= "
                                    "workload.burst.every_s (600), got 700"},
    {"workload.p_active=1.5", "bad.json: workload.p_active: must be a number in [0, 1], got 1.5"},
    {"workload.tokens.weights=[0,0,0,0,0]", "bad.json: workload.tokens.weights: must have a "
                                            "positive sum, got 0"},
    {"workload.tokens.weights=[1,2]", "bad.json: workload.tokens.weights: must be an array of "
                                      "5 numbers, one per value, got an array of 2"},
    {"workload.tokens=0", "bad.json: workload.tokens: must be an integer in [1, 1000000000], "
                          "got 0"},
    {"workload.kind=poisson", "bad.json: workload.users: not a key of workload kind 'poisson' "
                              "(it belongs to 'steps')"},
    {"workload.rate_per_s=3", "bad.json: workload.rate_per_s: not a key of workload kind 'steps' "
                              "(it belongs to 'poisson')"},
    {"limiter.window_s=7200", "bad.json: limiter.window_s: must be <= duration_s (3600), got "
                              "7200"},
    {"devices=[]", "bad.json: devices: must be a non-empty array of device objects, got an "
                   "empty array"},
    {"devices.1.name=big", "bad.json: devices[1].name: \"big\" is already the name of "
                           "devices[0]; names must be unique"},
    {"devices.1.power_idle_w=99", "bad.json: devices[1].power_idle_w: must be <= power_active_w "
                                  "(15), got 99"},
    {"cloud.enabled=1", "bad.json: cloud.enabled: must be true or false, got 1"},
    {"duration_s=1e999", "bad.json: duration_s: must be a number in (0, 31622400], got a number "
                         "too large for a double"},
    {"devices.0.lm=qwen", "bad.json: devices[0].profile: required key is missing (\"profile\" "
                          "and \"lm\" go together)"},
};

static void bad_values_say_where(void **state) {
  (void)state;
  int bad = 0; /* report every mismatch, then fail */
  for (size_t i = 0; i < sizeof BAD_SETS / sizeof *BAD_SETS; i++) {
    int code;
    char want[1024], rows[512];
    const char *at = strstr(BAD_SETS[i].msg, "@ROWS@");
    kind_names(&DISP_REGISTRY, rows, sizeof rows);
    if (at)
      snprintf(want, sizeof want, "%.*s%s%s", (int)(at - BAD_SETS[i].msg), BAD_SETS[i].msg, rows,
               at + 6);
    else
      snprintf(want, sizeof want, "%s", BAD_SETS[i].msg);
    const char *msg = tu_load_error(BASE, &BAD_SETS[i].set, 1, &code);
    if (code != ES_EINPUT || strcmp(msg, want))
      bad++, print_error("--set %s\n got: %s\nwant: %s\n", BAD_SETS[i].set, msg, want);
  }
  assert_int_equal(bad, 0);
}

static const struct {
  const char *text, *msg;
} BAD_TEXTS[] = {
    {"{\"duration_s\": 10,\n \"workload\": }",
     "bad.json:2:14: JSON syntax error: expected a value, got '}'"},
    {"{\"duration_s\": 10", "bad.json:1:18: JSON syntax error: expected ',' or '}', got the end "
                            "of the file"},
    {"  \n ", "bad.json: empty file; expected a JSON object"},
    {"[1, 2]", "bad.json: the top level must be a JSON object, got an array"},
    {"{\"duration_s\": 10}", "bad.json: workload: required key is missing (the demand)"},
    {"{\"duration_s\": 10, \"duration_s\": 20}", "bad.json: duration_s: duplicate key"},
    {"{} trailing", "bad.json:1:4: JSON syntax error: unexpected text after the JSON value, "
                    "got 'trailing'"},
};

static void bad_files_say_where(void **state) {
  (void)state;
  int bad = 0;
  for (size_t i = 0; i < sizeof BAD_TEXTS / sizeof *BAD_TEXTS; i++) {
    int code;
    const char *msg = tu_load_error(BAD_TEXTS[i].text, NULL, 0, &code);
    if (code != ES_EINPUT || strcmp(msg, BAD_TEXTS[i].msg))
      bad++, print_error("text %zu\n got: %s\nwant: %s\n", i, msg, BAD_TEXTS[i].msg);
  }
  assert_int_equal(bad, 0);
}

static void bad_set_paths(void **state) {
  (void)state;
  int code;
  const char *sets[] = {"devices.9.count=1"};
  tu_load_error(BASE, sets, 1, &code);
  assert_int_equal(code, ES_EINPUT);
  es_err e = {0};
  scn *s = NULL;
  const char *path = tu_write("s.json", BASE);
  const char *noeq[] = {"limiter.window_s"};
  assert_int_equal(scn_load(path, sets, 1, tu_models(), &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "s.json: --set devices.9.count=1: devices has 2 entries, "
                                "index must be 0 to 1, got '9'"));
  assert_int_equal(scn_load(path, noeq, 1, tu_models(), &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "s.json: --set limiter.window_s: expected PATH=VALUE, e.g. "
                                "limiter.window_s=30"));
  unlink(path);
}

static void unreadable_inputs(void **state) {
  (void)state;
  es_err e = {0};
  scn *s = NULL;
  assert_int_equal(scn_load("/nonexistent/x.json", NULL, 0, NULL, &s, &e), ES_EINPUT);
  assert_string_equal(e.msg, "/nonexistent/x.json: cannot open: No such file or directory");
  assert_int_equal(scn_load("/tmp", NULL, 0, NULL, &s, &e), ES_EINPUT);
  assert_string_equal(e.msg, "/tmp: is a directory, expected a JSON file");
  const char *p = tu_write("nul.json", "{\"a\": 1}");
  FILE *f = fopen(p, "ab");
  fputc(0, f);
  fclose(f);
  assert_int_equal(scn_load(p, NULL, 0, NULL, &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "nul.json: not a text file (NUL byte at offset 8)"));
  unlink(p);
}

/* The shipped scenarios all load. */
/* Seeds are exact 64-bit integers in files and through --set; a number
 * that is not exactly such an integer is an error, never rounded. */
static void seeds_are_exact(void **state) {
  (void)state;
  static const struct {
    const char *set;
    uint64_t seed;
  } ok[] = {{"seed=9007199254740993", 9007199254740993ull},
            {"seed=18446744073709551615", UINT64_MAX},
            {"seed=1e3", 1000},
            {"seed=0", 0}};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    scn *s = tu_load(BASE, &ok[i].set, 1);
    assert_true(s->seed == ok[i].seed);
    scn_free(s);
  }
  static const struct {
    const char *set, *want;
  } bad[] = {
      {"seed=1.0000000000000001", "bad.json: seed: must be an integer in [0, "
                                  "18446744073709551615], got 1.0000000000000001 (not an integer)"},
      {"seed=18446744073709551616", "bad.json: seed: must be an integer in [0, "
                                    "18446744073709551615], got 18446744073709551616 (larger "
                                    "than 2^64 - 1)"},
      {"seed=-1", "bad.json: seed: must be an integer in [0, 18446744073709551615], got -1 "
                  "(negative)"},
      {"seed=\"7\"", "bad.json: seed: must be an integer in [0, 18446744073709551615], got "
                     "\"7\" (not a JSON number)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int code;
    const char *got = tu_load_error(BASE, &bad[i].set, 1, &code);
    assert_int_equal(code, ES_EINPUT);
    if (strcmp(got, bad[i].want))
      fail_msg("--set %s\n got: %s\nwant: %s", bad[i].set, got, bad[i].want);
  }
  /* in the file itself, too */
  const char *f = strstr(BASE, "\"seed\": 7");
  assert_non_null(f);
  char text[4096];
  snprintf(text, sizeof text, "%.*s\"seed\": 18446744073709551615%s", (int)(f - BASE), BASE,
           f + strlen("\"seed\": 7"));
  scn *s = tu_load(text, NULL, 0);
  assert_true(s->seed == UINT64_MAX);
  scn_free(s);
}

/* Names refuse C1 controls and bidirectional overrides too (names.h). */
static void names_refuse_invisible_controls(void **state) {
  (void)state;
  static const char *sets[] = {"devices.1.name=\"a\\u0085b\"", "devices.1.name=\"ab\\u202ec\"",
                               "name=\"x\\u2066y\""};
  for (size_t i = 0; i < 3; i++) {
    int code;
    const char *got = tu_load_error(BASE, &sets[i], 1, &code);
    assert_int_equal(code, ES_EINPUT);
    assert_non_null(strstr(got, "must not contain control characters"));
  }
}

static void shipped_scenarios_load(void **state) {
  (void)state;
  const char *names[] = {"steady_random.json", "steady_weighted.json", "bursty_random.json",
                         "bursty_loadaware.json"};
  for (int i = 0; i < 4; i++) {
    es_err e = {0};
    scn *s = NULL;
    if (scn_load(tu_scenario(names[i]), NULL, 0, NULL, &s, &e))
      fail_msg("%s", e.msg);
    double p = strstr(names[i], "bursty") ? 0.9 : 0.3;         /* the largest p_active */
    assert_close(scn_expected_requests(s), 30 * p * 60, 1e-9); /* 30 users, 60 steps */
    assert_close(s->duration_s, 3600, 0);
    scn_free(s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_and_defaults),    cmocka_unit_test(set_overrides_before_validation),
      cmocka_unit_test(profiles_are_inherited), cmocka_unit_test(bad_values_say_where),
      cmocka_unit_test(bad_files_say_where),    cmocka_unit_test(bad_set_paths),
      cmocka_unit_test(unreadable_inputs),      cmocka_unit_test(shipped_scenarios_load),
      cmocka_unit_test(seeds_are_exact),        cmocka_unit_test(names_refuse_invisible_controls),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
