#include "scenario.h"
#include "testutil.h"

#include "engine.h"
#include "trace.h"

#include <sys/stat.h>

static void reads_both_time_formats(void **state) {
  (void)state;
  const char *p = tu_write("t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                    "2023-11-16 23:59:59.5000000,374,44\n"
                                    "2023-11-17 00:00:01.2500000,10,1\n\n"
                                    "2023-11-17 00:00:01.2500000,0,7\r\n");
  trace tr;
  trace_row r;
  es_err e = {0};
  assert_int_equal(trace_open(&tr, p, NULL, &e), 0);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_close(r.t, 0, 0);
  assert_int_equal(r.prompt, 374);
  assert_int_equal(r.tokens, 44);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_close(r.t, 1.75, 1e-9);                /* across midnight */
  assert_int_equal(trace_next(&tr, &r, &e), 1); /* blank line skipped, CRLF ok */
  assert_close(r.t, 1.75, 1e-9);
  assert_int_equal(r.prompt, 0);
  assert_int_equal(trace_next(&tr, &r, &e), 0);
  trace_close(&tr);
  p = tu_write("s.csv", "time,Prompt,OUTPUT\r\n5,1,1\n7.5,2,3\n"); /* any case, CRLF */
  assert_int_equal(trace_open(&tr, p, NULL, &e), 0);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_close(r.t, 2.5, 0);
  trace_close(&tr);
}

static const struct {
  const char *row, *msg;
} BAD[] = {
    {"1,2", ":2: expected three fields TIME,PROMPT,OUTPUT"},
    {"1,2,3,4", ":2: expected three fields TIME,PROMPT,OUTPUT"},
    {"x,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got 'x'"},
    {"0x10,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '0x10'"},
    {"inf,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got 'inf'"},
    {"nan,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got 'nan'"},
    {" 1,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got ' 1'"},
    {"1 ,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '1 '"},
    {"-1,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '-1'"},
    {"+1,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '+1'"},
    {"1e999,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '1e999'"},
    {"1e,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '1e'"},
    {".,2,3", ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '.'"},
    {"2023-1-01 00:00:00,2,3",
     ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '2023-1-01 00:00:00'"},
    {"2023-01-01 00:00:00.,2,3",
     ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '2023-01-01 00:00:00.'"},
    {"2023-01-01T00:00:00,2,3",
     ":2: TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '2023-01-01T00:00:00'"},
    {"2023-13-01 00:00:00,2,3",
     ":2: TIME: 2023-13-01 is not a date (months 01-12, days as in the calendar)"},
    {"2023-00-01 00:00:00,2,3",
     ":2: TIME: 2023-00-01 is not a date (months 01-12, days as in the calendar)"},
    {"2023-02-30 00:00:00,2,3",
     ":2: TIME: 2023-02-30 is not a date (months 01-12, days as in the calendar)"},
    {"2023-02-29 00:00:00,2,3",
     ":2: TIME: 2023-02-29 is not a date (months 01-12, days as in the calendar)"},
    {"1900-02-29 00:00:00,2,3",
     ":2: TIME: 1900-02-29 is not a date (months 01-12, days as in the calendar)"},
    {"2023-04-31 00:00:00,2,3",
     ":2: TIME: 2023-04-31 is not a date (months 01-12, days as in the calendar)"},
    {"2023-04-00 00:00:00,2,3",
     ":2: TIME: 2023-04-00 is not a date (months 01-12, days as in the calendar)"},
    {"2023-04-01 24:00:00,2,3", ":2: TIME: 24:00:00 is not a time of day (00:00:00 to 23:59:59)"},
    {"2023-04-01 23:59:60,2,3", ":2: TIME: 23:59:60 is not a time of day (00:00:00 to 23:59:59)"},
    {"1,-2,3", ":2: PROMPT must be an integer in [0, 1000000000], got '-2'"},
    {"1, 2,3", ":2: PROMPT must be an integer in [0, 1000000000], got ' 2'"},
    {"1,0x2,3", ":2: PROMPT must be an integer in [0, 1000000000], got '0x2'"},
    {"1,99999999999999999999999,3",
     ":2: PROMPT must be an integer in [0, 1000000000], got '99999999999999999999999'"},
    {"1,2,0", ":2: OUTPUT must be an integer in [1, 1000000000], got '0'"},
    {"1,2,3.5", ":2: OUTPUT must be an integer in [1, 1000000000], got '3.5'"},
    {"1,2,1000000001", ":2: OUTPUT must be an integer in [1, 1000000000], got '1000000001'"},
    {"1,2,", ":2: OUTPUT must be an integer in [1, 1000000000], got ''"},
};

/* Dates the calendar has, and the decimal forms of seconds. */
static void good_times(void **state) {
  (void)state;
  const char *p = tu_write("g.csv", "TIME,PROMPT,OUTPUT\n"
                                    "2024-02-29 00:00:00,1,1\n"   /* leap year */
                                    "2024-03-01 00:00:00.5,1,1\n" /* one day later */
                                    "2000-02-29 00:00:00,1,1\n"); /* leap (by 400) */
  trace tr;
  trace_row r;
  es_err e = {0};
  assert_int_equal(trace_open(&tr, p, NULL, &e), 0);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_close(r.t, 86400.5, 0);
  assert_int_equal(trace_next(&tr, &r, &e), -1); /* valid date, but backwards */
  assert_non_null(strstr(e.msg, "g.csv:4: TIME goes backwards"));
  trace_close(&tr);
  p = tu_write("d.csv", "TIME,PROMPT,OUTPUT\n0,1,1\n.5,1,1\n1.,1,1\n1e1,1,1\n2.5E+1,0,1\n");
  const double want[] = {0, 0.5, 1, 10, 25};
  assert_int_equal(trace_open(&tr, p, NULL, &e), 0);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(trace_next(&tr, &r, &e), 1);
    assert_close(r.t, want[i], 0);
  }
  assert_int_equal(trace_next(&tr, &r, &e), 0);
  trace_close(&tr);
}

static void bad_rows_name_the_line(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
    char text[160];
    snprintf(text, sizeof text, "TIME,PROMPT,OUTPUT\n%s\n", BAD[i].row);
    const char *p = tu_write("b.csv", text);
    trace tr;
    trace_row r;
    es_err e = {0};
    assert_int_equal(trace_open(&tr, p, NULL, &e), 0);
    assert_int_equal(trace_next(&tr, &r, &e), -1);
    trace_close(&tr);
    const char *m = strstr(e.msg, "b.csv");
    assert_non_null(m);
    if (strcmp(m + 5, BAD[i].msg))
      fail_msg("row '%s': got '%s', want '%s'", BAD[i].row, m + 5, BAD[i].msg);
  }
  const char *p = tu_write("back.csv", "TIME,PROMPT,OUTPUT\n5,1,1\n4,1,1\n");
  trace tr;
  trace_row r;
  es_err e = {0};
  trace_open(&tr, p, NULL, &e);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_int_equal(trace_next(&tr, &r, &e), -1);
  assert_non_null(strstr(e.msg, "back.csv:3: TIME goes backwards"));
  trace_close(&tr);
}

/* trace_open's message for a file, with the file's path cut off. */
static const char *open_error(const char *path) {
  static es_err e;
  trace tr;
  trace_row r;
  memset(&e, 0, sizeof e);
  int rc = trace_open(&tr, path, NULL, &e);
  if (!rc) { /* the header passed: a row must fail */
    while ((rc = trace_next(&tr, &r, &e)) == 1)
      ;
    rc = rc < 0 ? ES_EINPUT : 0;
    trace_close(&tr);
  }
  assert_int_equal(rc, ES_EINPUT);
  assert_ptr_equal(tr.f, NULL);
  size_t n = strlen(path);
  if (strncmp(e.msg, path, n))
    fail_msg("'%s' does not start with %s", e.msg, path);
  return e.msg + n;
}

/* The header must be there; the file must be a regular text file. */
static void files_and_headers(void **state) {
  (void)state;
  static const struct {
    const char *text, *msg;
  } CASES[] = {
      {"", ": empty trace; expected a header line and rows TIME,PROMPT,OUTPUT"},
      {"0,1,1\n1,1,1\n", ":1: expected the header TIME,PROMPT,OUTPUT (or "
                         "TIMESTAMP,ContextTokens,GeneratedTokens), got '0,1,1'"},
      {"TIME,PROMPT\n", ":1: expected the header TIME,PROMPT,OUTPUT (or "
                        "TIMESTAMP,ContextTokens,GeneratedTokens), got 'TIME,PROMPT'"},
      {"TIME, PROMPT, OUTPUT\n",
       ":1: expected the header TIME,PROMPT,OUTPUT (or "
       "TIMESTAMP,ContextTokens,GeneratedTokens), got 'TIME, PROMPT, OUTPUT'"},
      {"TIME,PROMPT,OUTPUT,\n",
       ":1: expected the header TIME,PROMPT,OUTPUT (or "
       "TIMESTAMP,ContextTokens,GeneratedTokens), got 'TIME,PROMPT,OUTPUT,'"},
      {"\n0,1,1\n", ":1: expected the header TIME,PROMPT,OUTPUT (or "
                    "TIMESTAMP,ContextTokens,GeneratedTokens), got ''"},
      {"TIME,PROMPT,OUTPUT\n0,1,1\n1,1,1\n\n2,1", ":5: expected three fields TIME,PROMPT,OUTPUT"},
      {"\xEF\xBB\xBFTIME,PROMPT,OUTPUT\n0,1,1\n",
       ":1: starts with a UTF-8 byte order mark; expected the header TIME,PROMPT,OUTPUT"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
    const char *m = open_error(tu_write("f.csv", CASES[i].text));
    if (strcmp(m, CASES[i].msg))
      fail_msg("case %zu: got '%s', want '%s'", i, m, CASES[i].msg);
  }
  /* NUL bytes, in a row and in the header */
  const char *p = tu_write("nul.csv", "");
  FILE *f = fopen(p, "wb");
  fwrite("TIME,PROMPT,OUTPUT\n0,1,1\n1,2\0003,4\n", 1, 33, f);
  fclose(f);
  assert_string_equal(open_error(p), ":3: NUL byte in the line (a trace is CSV text)");
  f = fopen(p, "wb");
  fwrite("TIME\0,PROMPT,OUTPUT\n", 1, 20, f);
  fclose(f);
  assert_string_equal(open_error(p), ":1: NUL byte in the line (a trace is CSV text)");
  /* 1023 bytes are a line, 1024 are too many */
  char text[1100] = "TIME,PROMPT,OUTPUT\n1,1,";
  size_t n = strlen(text);
  memset(text + n, '0', 1018), text[n + 1018] = '1', strcpy(text + n + 1019, "\n");
  p = tu_write("long.csv", text);
  trace tr;
  trace_row r;
  es_err e = {0};
  assert_int_equal(trace_open(&tr, p, NULL, &e), 0);
  assert_int_equal(trace_next(&tr, &r, &e), 1);
  assert_int_equal(r.tokens, 1);
  trace_close(&tr);
  strcpy(text + n + 1019, "0\n");
  assert_string_equal(open_error(tu_write("long.csv", text)), ":2: line longer than 1023 bytes");
  unlink(p);
  /* a missing file, a directory and a FIFO (which must not block) */
  char dir[600];
  snprintf(dir, sizeof dir, "%s.d", p);
  assert_string_equal(open_error(dir), ": cannot open: No such file or directory");
  assert_int_equal(mkdir(dir, 0700), 0);
  assert_string_equal(open_error(dir), ": is a directory, expected a CSV trace");
  rmdir(dir);
  assert_int_equal(mkfifo(dir, 0600), 0);
  assert_string_equal(open_error(dir), ": not a regular file, expected a CSV trace");
  unlink(dir);
}

/* Three requests of 10, 20, 30 tokens at t = 0, 1, 2 against C = 35 per
 * 10 s: the first two are served (30 tokens), the third would make 60. */
static void replay_by_hand(void **state) {
  (void)state;
  char dir[128], csv[192], scen[192];
  snprintf(dir, sizeof dir, "/tmp/edgesim-trace-%ld", (long)getpid());
  mkdir(dir, 0700);
  snprintf(csv, sizeof csv, "%s/r.csv", dir);
  snprintf(scen, sizeof scen, "%s/s.json", dir);
  FILE *f = fopen(csv, "w");
  fputs("TIME,PROMPT,OUTPUT\n0,100,10\n1,200,20\n2,300,30\n", f);
  fclose(f);
  f = fopen(scen, "w");
  fputs("{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"r.csv\"},"
        " \"devices\": [{\"token_capacity\": 35, \"max_parallel\": 9, \"tgs\": 10,"
        " \"ttft_s\": 0, \"power_active_w\": 1, \"power_idle_w\": 1}],"
        " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"load_aware\"}}",
        f);
  fclose(f);
  es_err e = {0};
  scn *s = NULL;
  if (scn_load(scen, NULL, 0, NULL, &s, &e))
    fail_msg("%s", e.msg);
  es_result *r = es_result_new(s);
  es_opts o = {0};
  assert_int_equal(es_run(s, 1, &o, r, &e), 0);
  assert_close(r->generated, 3, 0);
  assert_close(r->edge_served, 2, 0);
  assert_close(r->redirected, 1, 0);
  assert_close(r->tok_edge, 30, 0);
  assert_close(r->cloud_usd, (300 * 30.0 + 30 * 60.0) / 1e6, 1e-15);
  assert_close(r->lat[0][0], 1.5, 1e-12); /* (10 + 20) / 10 / 2 */
  es_result_free(r);
  scn_free(s);
  /* time_scale 50 puts the third row at t = 100: past the horizon */
  const char *sets[] = {"workload.time_scale=50"};
  assert_int_equal(scn_load(scen, sets, 1, NULL, &s, &e), 0);
  r = es_result_new(s);
  assert_int_equal(es_run(s, 1, &o, r, &e), 0);
  assert_close(r->generated, 2, 0);
  es_result_free(r);
  scn_free(s);
  /* keys that do not apply to a trace, and a bad trace, are input errors */
  const char *tok[] = {"workload.tokens=10"};
  assert_int_equal(scn_load(scen, tok, 1, NULL, &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "workload.tokens: not a key of workload kind 'trace'"));
  const char *nofile[] = {"workload={\"kind\": \"trace\"}"};
  assert_int_equal(scn_load(scen, nofile, 1, NULL, &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "workload.file: required key is missing"));
  f = fopen(csv, "w");
  fputs("TIME,PROMPT,OUTPUT\n0,100,10\n1,200\n", f);
  fclose(f);
  assert_int_equal(scn_load(scen, NULL, 0, NULL, &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "r.csv:3: expected three fields"));
  unlink(csv);
  unlink(scen);
  rmdir(dir);
}

/* difficulty.column: each request's difficulty from the trace. With the
 * device's curve P(d) = d and capacity that never binds, expected accuracy
 * at the edge is the mean of the column, (0.1 + 0.3 + 1 + 0) / 4 = 0.35;
 * the third row alone goes to the cloud when C = 10 admits two per window, and the
 * cloud's flat 0.9 then counts for it: edge (0.1 + 0.3 + 0) / 3. */
static void difficulty_column(void **state) {
  (void)state;
  char dir[128], csv[192], scen[192];
  snprintf(dir, sizeof dir, "/tmp/edgesim-trace-d-%ld", (long)getpid());
  mkdir(dir, 0700);
  snprintf(csv, sizeof csv, "%s/r.csv", dir);
  snprintf(scen, sizeof scen, "%s/s.json", dir);
  FILE *f = fopen(csv, "w");
  fputs("TIME,PROMPT,OUTPUT,Diff\n0,1,5,0.1\n1,1,5,0.3\n2.5,1,5,1\n30,1,5,0\n", f);
  fclose(f);
  f = fopen(scen, "w");
  fputs("{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"r.csv\"},"
        " \"devices\": [{\"token_capacity\": 100, \"max_parallel\": 9, \"tgs\": 10,"
        " \"ttft_s\": 0, \"power_active_w\": 1, \"power_idle_w\": 1,"
        " \"accuracy\": {\"d\": [0, 1], \"p\": [0, 1]}}], \"cloud\": {\"quality\": 0.9},"
        " \"difficulty\": {\"column\": \"DIFF\"},"
        " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"}}",
        f);
  fclose(f);
  es_err e = {0};
  scn *s = NULL;
  es_opts o = {0};
  for (int k = 0; k < 2; k++) {
    const char *cap[] = {"devices.0.token_capacity=10"};
    if (scn_load(scen, cap, (size_t)k, NULL, &s, &e))
      fail_msg("%s", e.msg);
    es_result *r = es_result_new(s);
    assert_int_equal(es_run(s, 1, &o, r, &e), 0);
    assert_close(r->edge_served, k ? 3 : 4, 0);
    assert_close(r->rq.acc_edge, k ? 0.4 / 3 : 0.35, 1e-15);
    assert_close(r->rq.acc_cloud, k ? 0.9 : 0, 0);
    assert_close(r->rq.acc_all, k ? (0.4 + 0.9) / 4 : 0.35, 1e-15);
    es_result_free(r);
    scn_free(s);
  }
  unlink(csv);
  unlink(scen);
  rmdir(dir);
}

/* The shipped Azure trace replays every one of its rows. */
static void azure_trace_replays_whole(void **state) {
  (void)state;
  es_err e = {0};
  scn *s = NULL;
  if (scn_load(tu_scenario("azure_trace.json"), NULL, 0, NULL, &s, &e))
    fail_msg("%s", e.msg);
  es_result *r = es_result_new(s);
  es_opts o = {0};
  assert_int_equal(es_run(s, 1, &o, r, &e), 0);
  assert_close(r->generated, 19366, 0);
  assert_close(r->tok_generated, 4088665, 0); /* sum of GeneratedTokens */
  es_result_free(r);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_both_time_formats),
      cmocka_unit_test(bad_rows_name_the_line),
      cmocka_unit_test(good_times),
      cmocka_unit_test(files_and_headers),
      cmocka_unit_test(replay_by_hand),
      cmocka_unit_test(difficulty_column),
      cmocka_unit_test(azure_trace_replays_whole),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
