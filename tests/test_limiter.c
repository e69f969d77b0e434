/* test_limiter.c: limiter groups and per-device limiter settings.
 *
 * Devices whose entries set different windows run in different groups, each
 * with its own exact log. The whole engine is checked against a plain
 * reference of the model (every device keeps every admission; used(t) and
 * in-flight counts are recomputed from scratch at each arrival) on random
 * clusters and random traces, with load_aware dispatch so that no random
 * numbers are involved: the per-device counts must agree exactly.
 */
#include "engine.h"
#include "limiter.h"
#include "scenario.h"
#include "testutil.h"

#include <math.h>

enum { MAXD = 12, MAXA = 400 };

typedef struct ref_dev {
  uint64_t cap, par;
  double w, tgs, ttft;
  size_t n; /* admissions so far */
  double at[MAXA], done[MAXA];
  uint64_t tok[MAXA];
  uint64_t served;
} ref_dev;

static uint64_t rnd(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The model, by definition: used(t) = tokens admitted in (t - W, t] (an
 * admission at a leaves at a + W exactly), in flight = admitted requests
 * whose completion is after t (completions at t come first). */
static long ref_pick(ref_dev *d, size_t n, double t, uint64_t tok) {
  long best = -1;
  double best_f = -1;
  for (size_t i = 0; i < n; i++) {
    uint64_t used = 0, busy = 0;
    for (size_t k = 0; k < d[i].n; k++) {
      if (!(d[i].at[k] + d[i].w <= t))
        used += d[i].tok[k];
      if (d[i].done[k] > t)
        busy++;
    }
    if (busy >= d[i].par || used + tok > d[i].cap)
      continue;
    double f = (double)(d[i].cap - used) / (double)d[i].cap;
    if (f > best_f)
      best = (long)i, best_f = f;
  }
  return best;
}

static void one_case(uint64_t seed) {
  static const double W[] = {0.5, 1, 2, 3.75, 1.3};
  static const uint64_t TOK[] = {50, 100, 200};
  uint64_t s = seed;
  size_t nent = 2 + rnd(&s) % 3, n = 0;
  ref_dev d[MAXD] = {{0}};
  char json[8192], trace[MAXA * 32 + 64];
  size_t l = (size_t)snprintf(json, sizeof json,
                              "{\"duration_s\": 200, \"workload\": {\"kind\": \"trace\", "
                              "\"file\": \"edgesim-test-%ld-lim.csv\"}, \"devices\": [",
                              (long)getpid());
  for (size_t e = 0; e < nent; e++) {
    uint64_t count = 1 + rnd(&s) % 3, cap = 100 + rnd(&s) % 900, par = 1 + rnd(&s) % 4;
    double w = W[rnd(&s) % 5], tgs = 20 + (double)(rnd(&s) % 80);
    for (uint64_t j = 0; j < count; j++, n++)
      d[n] = (ref_dev){.cap = cap, .par = par, .w = w, .tgs = tgs, .ttft = 0.25};
    l += (size_t)snprintf(json + l, sizeof json - l,
                          "%s{\"name\": \"d%zu\", \"count\": %llu, \"token_capacity\": %llu, "
                          "\"max_parallel\": %llu, \"tgs\": %g, \"ttft_s\": 0.25, "
                          "\"power_active_w\": 1, \"power_idle_w\": 0, "
                          "\"limiter\": {\"window_s\": %g}}",
                          e ? ", " : "", e, (unsigned long long)count, (unsigned long long)cap,
                          (unsigned long long)par, tgs, w);
  }
  snprintf(json + l, sizeof json - l,
           "], \"limiter\": {\"kind\": \"sliding_window\", \"window_s\": 1}, "
           "\"dispatch\": {\"policy\": \"load_aware\"}}");
  /* arrivals on a 1/8 s grid, so that a + W == t happens exactly */
  size_t na = 100 + rnd(&s) % 300,
         tl = (size_t)snprintf(trace, sizeof trace, "TIME,PROMPT,OUTPUT\n");
  double ta[MAXA];
  uint64_t tt[MAXA];
  double t = 0;
  for (size_t a = 0; a < na; a++) {
    if (a)
      t += (double)(rnd(&s) % 3) * 0.125;
    ta[a] = t, tt[a] = TOK[rnd(&s) % 3];
    tl += (size_t)snprintf(trace + tl, sizeof trace - tl, "%.3f,10,%llu\n", t,
                           (unsigned long long)tt[a]);
  }
  tu_write("lim.csv", trace);
  /* the reference */
  uint64_t redirected = 0;
  for (size_t a = 0; a < na; a++) {
    long i = ref_pick(d, n, ta[a], tt[a]);
    if (i < 0) {
      redirected++;
      continue;
    }
    ref_dev *x = &d[i];
    x->at[x->n] = ta[a], x->tok[x->n] = tt[a];
    x->done[x->n++] = ta[a] + (x->ttft + (double)tt[a] / x->tgs);
    x->served++;
  }
  /* the engine */
  scn *sc = tu_load(json, NULL, 0);
  es_result *r = es_result_new(sc);
  es_opts o = {0};
  es_err e = {0};
  if (es_run(sc, 1, &o, r, &e))
    fail_msg("%s", e.msg);
  for (size_t i = 0; i < n; i++)
    if (r->dev[i].served != (double)d[i].served)
      fail_msg("case %llu: device %zu served %.0f, reference %llu", (unsigned long long)seed, i,
               r->dev[i].served, (unsigned long long)d[i].served);
  assert_close(r->redirected, (double)redirected, 0);
  es_result_free(r);
  scn_free(sc);
}

static void per_device_windows_match_reference(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 60; seed++)
    one_case(seed);
}

/* Entries with equal limiter settings share a group; different W split. */
static void groups_by_settings(void **state) {
  (void)state;
  scn *s = tu_load("{\"duration_s\": 10, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 1, "
                   "\"tokens\": 10}, \"devices\": ["
                   "{\"name\": \"a\", \"count\": 2, \"token_capacity\": 10, \"max_parallel\": 1, "
                   "\"tgs\": 1, \"ttft_s\": 0, \"power_active_w\": 1, \"power_idle_w\": 0},"
                   "{\"name\": \"b\", \"token_capacity\": 10, \"max_parallel\": 1, \"tgs\": 1, "
                   "\"ttft_s\": 0, \"power_active_w\": 1, \"power_idle_w\": 0, "
                   "\"limiter\": {\"window_s\": 2}},"
                   "{\"name\": \"c\", \"token_capacity\": 10, \"max_parallel\": 1, \"tgs\": 1, "
                   "\"ttft_s\": 0, \"power_active_w\": 1, \"power_idle_w\": 0, "
                   "\"limiter\": {\"window_s\": 5}}],"
                   "\"limiter\": {\"window_s\": 5}, \"dispatch\": {\"policy\": \"random\"}}",
                   NULL, 0);
  assert_close(s->dev[1].lim.window_s, 2, 0);
  assert_close(s->dev[2].lim.window_s, 5, 0);
  assert_true(s->dev[1].own_lim && !s->dev[0].own_lim);
  dev devs[4] = {{0}};
  for (size_t i = 0; i < 4; i++)
    devs[i].spec = i < 2 ? 0 : (uint32_t)i - 1;
  lim_set ls;
  assert_int_equal(lim_set_init(&ls, s, devs, 4, NULL, NULL), 0);
  assert_int_equal(ls.n, 2); /* {a[0], a[1], c} with W = 5, {b} with W = 2 */
  assert_int_equal(devs[0].grp, devs[3].grp);
  assert_int_not_equal(devs[0].grp, devs[2].grp);
  assert_int_equal(ls.g[devs[0].grp].nmem, 3);
  lim_set_destroy(&ls);
  scn_free(s);
}

static void device_limiter_errors(void **state) {
  (void)state;
  static const char *BASE =
      "{\"duration_s\": 10, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 1, \"tokens\": "
      "10}, \"devices\": [{\"token_capacity\": 10, \"max_parallel\": 1, \"tgs\": 1, \"ttft_s\": 0, "
      "\"power_active_w\": 1, \"power_idle_w\": 0}], \"limiter\": {\"window_s\": 5}, "
      "\"dispatch\": {\"policy\": \"random\"}}";
  static const struct {
    const char *set, *want;
  } cases[] = {
      {"devices.0.limiter.window_s=11",
       "bad.json: devices[0].limiter.window_s: must be <= duration_s (10), got 11"},
      {"devices.0.limiter.window_s=0",
       "bad.json: devices[0].limiter.window_s: must be a number in [0.001, 31622400], got 0"},
      {"devices.0.limiter=3", "bad.json: devices[0].limiter: must be an object, got 3"},
      {"devices.0.limiter.windows=1", "bad.json: devices[0].limiter.windows: unknown key (did you "
                                      "mean 'window_s'?)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int code;
    const char *got = tu_load_error(BASE, &cases[i].set, 1, &code);
    assert_int_equal(code, ES_EINPUT);
    if (strcmp(got, cases[i].want))
      fail_msg("--set %s\n got: %s\nwant: %s", cases[i].set, got, cases[i].want);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(groups_by_settings),
      cmocka_unit_test(per_device_windows_match_reference),
      cmocka_unit_test(device_limiter_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
