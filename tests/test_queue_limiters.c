/* test_queue_limiters.c: device queues under every limiter kind (svc.h,
 * limiter.h's ready_at). Hand-computed start times of waiting requests,
 * read from an observer (observe.h), the deadline tie, and Little's law
 * with conservation on random runs of each kind.
 *
 * The hand cases share one trace: A of 8 tokens at 16 fills the limiter
 * (C = 8 per W = 8 s), then B (4 tokens) at 17, C (3) at 18 and D (1) at
 * 19 wait in FIFO order (a trace starts at its first time, so Z, 1 token
 * at 0, comes first; every kind has forgotten it by 16). W and C are 8, and the times start at 16,
 * so that every time below and every subtraction a kind makes near it is exact in binary (t - t0
 * with t0 <= t <= 2 t0): a start must come at exactly the computed instant. (Elsewhere a kind's
 * rounding may admit an ulp early, e.g. token_bucket's F - t for t just below F/2; a head then
 * starts exactly when an arrival would be admitted: test_limiters checks that.) */
#include "scenario.h"
#include "testrun.h"

#include <math.h>

#include "observe.h"

/* ---- an observer that records starts and time-outs ------------------------------ */

enum { REC_MAX = 64 };

typedef struct rec {
  obs o;
  size_t n;
  struct {
    double t, t_arr; /* start (or time-out) and arrival */
    uint64_t tok;
    int timed_out;
  } e[REC_MAX];
} rec;

static void rec_admit(obs *o, const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
                      double service) {
  (void)u, (void)i, (void)service;
  rec *r = (rec *)o;
  assert_true(r->n < REC_MAX);
  r->e[r->n].t = t, r->e[r->n].t_arr = t_arr, r->e[r->n].tok = a->tokens;
  r->e[r->n++].timed_out = 0;
}

static void rec_timeout(obs *o, const run *u, double t, size_t i, double t_arr,
                        const wl_arrival *a) {
  (void)u, (void)i;
  rec *r = (rec *)o;
  assert_true(r->n < REC_MAX);
  r->e[r->n].t = t, r->e[r->n].t_arr = t_arr, r->e[r->n].tok = a->tokens;
  r->e[r->n++].timed_out = 1;
}

static const obs_ops REC_OPS = {.admit = rec_admit, .timeout = rec_timeout};

/* ---- the hand cases ----------------------------------------------------------------- */

/* One device (C = 8, P slots, tgs tokens/s, no TTFT) under limiter `kind`
 * with W = 8, a queue of 4 with deadline D (0: none), the shared trace;
 * `extra` one more --set, or NULL. */
static scn *hand_case(const char *kind, int par, double tgs, double deadline, const char *extra) {
  const char *trace =
      tu_write("ql.csv", "TIME,PROMPT,OUTPUT\n0,1,1\n16,1,8\n17,1,4\n18,1,3\n19,1,1\n");
  char json[2048], q[128];
  snprintf(
      json, sizeof json,
      "{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"%s\"},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 8, \"max_parallel\": %d,"
      " \"tgs\": %.17g, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1}],"
      " \"limiter\": {\"kind\": \"%s\", \"window_s\": 8}, \"dispatch\": {\"policy\": \"random\"}}",
      strrchr(trace, '/') + 1, par, tgs, kind);
  if (deadline > 0)
    snprintf(q, sizeof q, "devices.0.queue={\"max\": 4, \"deadline_s\": %.17g}", deadline);
  else
    snprintf(q, sizeof q, "devices.0.queue={\"max\": 4}");
  const char *sets[] = {q, extra};
  return tu_load(json, sets, extra ? 2 : 1);
}

/* What happened to B, C and D: start time (or time-out time when out[k]). */
typedef struct want {
  double t[3];
  int out[3];
} want;

static void check_case(const char *what, scn *s, const want *w) {
  rec r = {.o = {&REC_OPS, NULL}};
  es_result *res = tu_run(s, 1, &(es_opts){.obs = &r.o});
  assert_int_equal(r.n, 5);
  assert_true(r.e[0].t == 0 && r.e[1].t == 16 && r.e[1].tok == 8); /* Z and A at once */
  double waits = 0;
  for (int k = 0; k < 3; k++) {
    /* events come in time order; B, C, D each appear once */
    size_t x = 2;
    while (x < r.n && r.e[x].t_arr != 17 + k)
      x++;
    assert_true(x < r.n);
    if (r.e[x].t != w->t[k] || r.e[x].timed_out != w->out[k])
      fail_msg("%s: request %c %s at %.17g, expected %s at %.17g", what, 'B' + k,
               r.e[x].timed_out ? "left" : "started", r.e[x].t, w->out[k] ? "left" : "started",
               w->t[k]);
    waits += w->t[k] - (17 + k);
  }
  int outs = w->out[0] + w->out[1] + w->out[2];
  assert_close(res->q.timed_out, outs, 0);
  assert_close(res->edge_served, 5 - outs, 0);
  assert_close(res->q.queued, 3, 0);
  assert_close(res->q.qwait[2][0] * 5, waits, 1e-12); /* every request's wait, Z's and A's 0 */
  es_result_free(res);
  scn_free(s);
}

/* token_bucket: refill 1 token/s, F the time the bucket is full again.
 * A: F = 24. B needs a deficit <= 8 - 4: at F - 4 = 20; F = 24 + 4 = 28.
 * C: <= 5, at 23; F = 31. D: <= 7, at 24. gcra (T = 1 s, tau = 8) admits
 * alike: B conforms when TAT + 4 - t <= 8, at 20 (TAT 28), C at
 * 28 + 3 - 8 = 23, D at 24. */
static void bucket_starts(void **state) {
  (void)state;
  static const char *const kinds[] = {"token_bucket", "gcra"};
  for (int k = 0; k < 2; k++) {
    check_case(kinds[k], hand_case(kinds[k], 4, 1000, 0, NULL), &(want){{20, 23, 24}, {0}});
    /* deadline 5: C and D wait exactly 5 and start (a start at the
     * deadline wins) */
    check_case(kinds[k], hand_case(kinds[k], 4, 1000, 5, NULL), &(want){{20, 23, 24}, {0}});
    /* deadline 4.999: C leaves at 18 + 4.999; D, the head then, finds a
     * deficit of 28 - 22.999 = 5.001 (used 6, 6 + 1 <= 8): starts at once */
    check_case(kinds[k], hand_case(kinds[k], 4, 1000, 4.999, NULL),
               &(want){{20, 18 + 4.999, 18 + 4.999}, {0, 1, 0}});
    /* one slot, 2 tokens/s: A holds it to 20. B: slot and bucket both at
     * 20 (ends 22). C: slot at 22, bucket at 23 (a timer armed at the
     * completion; ends 24.5). D: bucket at 24, slot at 24.5 (the
     * completion starts it). */
    check_case(kinds[k], hand_case(kinds[k], 1, 2, 0, NULL), &(want){{20, 23, 24.5}, {0}});
  }
}

/* fixed_window: A fills window 2, [16, 24); at 24 the window resets and the
 * heads start while they fit: B (used 4), C (7), D (8). With deadline 6, B
 * leaves at 23; C's deadline is 24, the reset's instant: it starts. */
static void fixed_window_starts(void **state) {
  (void)state;
  check_case("fixed_window", hand_case("fixed_window", 4, 1000, 0, NULL),
             &(want){{24, 24, 24}, {0}});
  check_case("fixed_window", hand_case("fixed_window", 4, 1000, 6, NULL),
             &(want){{23, 24, 24}, {1, 0, 0}});
}

/* sliding_counter: estimate cur + prev (1 - (t - 8j) / 8). B: window 2 is
 * full (cur 8), so in window 3 (prev 8): 8 (1 - (t - 24) / 8) <= 4 at 28;
 * cur 4. C: 4 + 8 (1 - (t - 24) / 8) <= 5 at 31; cur 7. D: 7 + ceil(8 w)
 * + 1 <= 8 needs w = 0, never inside window 3; at 32 (cur 0, prev 7:
 * 7 + 1 = 8) it starts, the estimate continuous across the boundary. With
 * deadline 12.999, C leaves at 18 + 12.999, and D, then the head, fits at
 * once: 4 + ceil(8 (1 - 6.999 / 8)) + 1 = 4 + 2 + 1 <= 8. */
static void sliding_counter_starts(void **state) {
  (void)state;
  check_case("sliding_counter", hand_case("sliding_counter", 4, 1000, 0, NULL),
             &(want){{28, 31, 32}, {0}});
  check_case("sliding_counter", hand_case("sliding_counter", 4, 1000, 13, NULL),
             &(want){{28, 31, 32}, {0}});
  check_case("sliding_counter", hand_case("sliding_counter", 4, 1000, 12.999, NULL),
             &(want){{28, 18 + 12.999, 18 + 12.999}, {0, 1, 0}});
}

/* sliding_window (its expiries wake the heads, as before): A leaves the
 * window at 24, when B, C and D all fit (4 + 3 + 1 = 8). */
static void sliding_window_starts(void **state) {
  (void)state;
  check_case("sliding_window", hand_case("sliding_window", 4, 1000, 0, NULL),
             &(want){{24, 24, 24}, {0}});
}

/* ---- random runs: conservation and Little's law ------------------------------------ */

/* Poisson arrivals over one device per kind, with a queue and a deadline
 * and a limiter that binds; es_run's own checks (conservation, Little over
 * the whole run) must pass, and Little holds over the statistics window:
 * the time integral of the queue length over [0, to) and the sum of the
 * waits of the requests that arrived in it differ by at most what the
 * requests still waiting at `to` spend after it (<= max x D). */
static void little_every_kind(void **state) {
  (void)state;
  static const char *const kinds[] = {"token_bucket", "gcra", "fixed_window", "sliding_counter",
                                      "sliding_window"};
  const char *json =
      "{\"duration_s\": 20000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 0.5,"
      " \"prompt_tokens\": 48, \"tokens\": {\"values\": [5, 15], \"weights\": [1, 1]}},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 60, \"max_parallel\": 2,"
      " \"tgs\": 10, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1,"
      " \"queue\": {\"max\": 6, \"deadline_s\": 8}}],"
      " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"}}";
  for (int k = 0; k < 5; k++) {
    char kind[64];
    snprintf(kind, sizeof kind, "limiter.kind=\"%s\"", kinds[k]);
    const char *sets[] = {kind};
    scn *s = tu_load(json, sets, 1);
    for (uint64_t seed = 1; seed <= 3; seed++) {
      es_result *r = tu_run(s, seed, NULL);
      double area = r->q.q_len_mean * 20000, waits = r->q.qwait[2][0] * r->generated;
      print_message("%s seed %llu: queued %.0f, timed out %.0f, area %.3f, waits %.3f\n", kinds[k],
                    (unsigned long long)seed, r->q.queued, r->q.timed_out, area, waits);
      assert_true(r->q.queued > 500);   /* the limiter binds: requests wait */
      assert_true(r->q.timed_out > 10); /* and some leave */
      assert_true(r->q.timed_out < r->q.queued / 2);
      assert_close(r->generated, r->edge_served + r->redirected + r->dropped, 0);
      assert_close(area, waits, 6 * 8 + 1e-6);
      es_result_free(r);
    }
    scn_free(s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(bucket_starts),          cmocka_unit_test(fixed_window_starts),
      cmocka_unit_test(sliding_counter_starts), cmocka_unit_test(sliding_window_starts),
      cmocka_unit_test(little_every_kind),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
