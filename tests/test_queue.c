/* test_queue.c: device queues (queue.c, svc.h): under every limiter kind
 * (limiter.h's ready_at), hand-computed start times of waiting requests,
 * read from an observer (observe.h), the deadline tie, and Little's law
 * with conservation on random runs of each kind; the sjf discipline by
 * hand, against a reference order on random runs, and its mean waits
 * against Cobham's formula (M/G/1 non-preemptive priority).
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

#include <gsl/gsl_statistics_double.h>
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

/* Every limiter kind, and scenario `json` loaded with one of them. */
static const char *const KINDS[] = {"token_bucket", "gcra", "fixed_window", "sliding_counter",
                                    "sliding_window"};

static scn *load_kind(const char *json, const char *kind) {
  char set[64];
  snprintf(set, sizeof set, "limiter.kind=\"%s\"", kind);
  const char *sets[] = {set};
  return tu_load(json, sets, 1);
}

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
  double events; /* arrivals plus calendar events, when > 0 */
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
  if (w->events > 0 && res->events != w->events)
    fail_msg("%s: %.17g events, expected %.17g", what, res->events, w->events);
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
  for (int k = 0; k < 2; k++) { /* KINDS[0], KINDS[1] */
    /* 5 arrivals, 5 completions and one head-ready timer for each of B, C
     * and D, each of which starts the head it was armed for */
    check_case(KINDS[k], hand_case(KINDS[k], 4, 1000, 0, NULL), &(want){{20, 23, 24}, {0}, 13});
    /* deadline 5: C and D wait exactly 5 and start (a start at the
     * deadline wins) */
    check_case(KINDS[k], hand_case(KINDS[k], 4, 1000, 5, NULL), &(want){{20, 23, 24}, {0}, 0});
    /* deadline 4.999: C leaves at 18 + 4.999; D, the head then, finds a
     * deficit of 28 - 22.999 = 5.001 (used 6, 6 + 1 <= 8): starts at once */
    check_case(KINDS[k], hand_case(KINDS[k], 4, 1000, 4.999, NULL),
               &(want){{20, 18 + 4.999, 18 + 4.999}, {0, 1, 0}, 0});
    /* one slot, 2 tokens/s: A holds it to 20. B: slot and bucket both at
     * 20 (ends 22). C: slot at 22, bucket at 23 (a timer armed at the
     * completion; ends 24.5). D: bucket at 24, slot at 24.5 (the
     * completion starts it). */
    check_case(KINDS[k], hand_case(KINDS[k], 1, 2, 0, NULL), &(want){{20, 23, 24.5}, {0}, 0});
  }
}

/* fixed_window: A fills window 2, [16, 24); at 24 the window resets and the
 * heads start while they fit: B (used 4), C (7), D (8). With deadline 6, B
 * leaves at 23; C's deadline is 24, the reset's instant: it starts. */
static void fixed_window_starts(void **state) {
  (void)state;
  /* 5 arrivals and 5 completions: B's head-ready timer at 24 is cancelled
   * when the window's reset at that instant starts B, C and D (it used to
   * fire after them, doing nothing) */
  check_case("fixed_window", hand_case("fixed_window", 4, 1000, 0, NULL),
             &(want){{24, 24, 24}, {0}, 10});
  check_case("fixed_window", hand_case("fixed_window", 4, 1000, 6, NULL),
             &(want){{23, 24, 24}, {1, 0, 0}, 0});
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
             &(want){{28, 31, 32}, {0}, 0});
  check_case("sliding_counter", hand_case("sliding_counter", 4, 1000, 13, NULL),
             &(want){{28, 31, 32}, {0}, 0});
  check_case("sliding_counter", hand_case("sliding_counter", 4, 1000, 12.999, NULL),
             &(want){{28, 18 + 12.999, 18 + 12.999}, {0, 1, 0}, 0});
}

/* sliding_window (its expiries wake the heads, as before): A leaves the
 * window at 24, when B, C and D all fit (4 + 3 + 1 = 8). */
static void sliding_window_starts(void **state) {
  (void)state;
  check_case("sliding_window", hand_case("sliding_window", 4, 1000, 0, NULL),
             &(want){{24, 24, 24}, {0}, 0});
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
  const char *json =
      "{\"duration_s\": 20000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 0.5,"
      " \"prompt_tokens\": 48, \"tokens\": {\"values\": [5, 15], \"weights\": [1, 1]}},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 60, \"max_parallel\": 2,"
      " \"tgs\": 10, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1,"
      " \"queue\": {\"max\": 6, \"deadline_s\": 8}}],"
      " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"}}";
  for (int k = 0; k < 5; k++) {
    scn *s = load_kind(json, KINDS[k]);
    for (uint64_t seed = 1; seed <= 3; seed++) {
      es_result *r = tu_run(s, seed, NULL);
      double area = r->q.q_len_mean * 20000, waits = r->q.qwait[2][0] * r->generated;
      print_message("%s seed %llu: queued %.0f, timed out %.0f, area %.3f, waits %.3f\n", KINDS[k],
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

/* ---- sjf ----------------------------------------------------------------------------- */

/* One slot at 1 token/s, no limit that binds: A (10 tokens) holds it from
 * 0 to 10 while B (8) at 1, C (2) at 2, D (5) at 3 and E (2) at 4 wait.
 * sjf starts C at 10 (2 tokens, before E by arrival), E at 12, D at 14, B
 * at 19. With deadline 12, B (the oldest, not the head) leaves at 13 from
 * the middle of the order while E runs, and D starts at 14 (deadline 15). */
static scn *sjf_case(double deadline) {
  const char *trace =
      tu_write("sjf.csv", "TIME,PROMPT,OUTPUT\n0,1,10\n1,1,8\n2,1,2\n3,1,5\n4,1,2\n");
  char json[2048], q[160];
  snprintf(json, sizeof json,
           "{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"%s\"},"
           " \"devices\": [{\"name\": \"d\", \"token_capacity\": 1000, \"max_parallel\": 1,"
           " \"tgs\": 1, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1}],"
           " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"}}",
           strrchr(trace, '/') + 1);
  if (deadline > 0)
    snprintf(q, sizeof q,
             "devices.0.queue={\"max\": 8, \"discipline\": \"sjf\", \"deadline_s\": %.17g}",
             deadline);
  else
    snprintf(q, sizeof q, "devices.0.queue={\"max\": 8, \"discipline\": \"sjf\"}");
  const char *sets[] = {q};
  return tu_load(json, sets, 1);
}

/* The events of B, C, D, E in the order they happened. */
static void sjf_expect(scn *s, const double *t_arr, const double *t, const int *out, size_t n) {
  rec r = {.o = {&REC_OPS, NULL}};
  es_result *res = tu_run(s, 1, &(es_opts){.obs = &r.o});
  assert_int_equal(r.n, n + 1);
  for (size_t k = 0; k < n; k++) {
    if (r.e[k + 1].t_arr != t_arr[k] || r.e[k + 1].t != t[k] || r.e[k + 1].timed_out != out[k])
      fail_msg("event %zu: arrived %g %s at %g, expected arrived %g %s at %g", k, r.e[k + 1].t_arr,
               r.e[k + 1].timed_out ? "left" : "started", r.e[k + 1].t, t_arr[k],
               out[k] ? "left" : "started", t[k]);
  }
  es_result_free(res);
  scn_free(s);
}

static void sjf_by_hand(void **state) {
  (void)state;
  sjf_expect(sjf_case(0), (double[]){2, 4, 3, 1}, (double[]){10, 12, 14, 19}, (int[]){0, 0, 0, 0},
             4);
  sjf_expect(sjf_case(12), (double[]){2, 4, 1, 3}, (double[]){10, 12, 13, 14}, (int[]){0, 0, 1, 0},
             4);
}

/* sjf with a limiter: token_bucket, C = 8 per W = 8 s, 4 slots. A (8 at
 * 16) empties the bucket (F = 24); B (6 at 17) waits for a deficit <= 2,
 * at 22. C (1 at 18) becomes the head and fits at once (deficit 6, used
 * 6 + 1 <= 8): it starts at 18, F = 25, and B's time moves to 23. */
static void sjf_new_head_fits(void **state) {
  (void)state;
  const char *trace = tu_write("sjf2.csv", "TIME,PROMPT,OUTPUT\n0,1,1\n16,1,8\n17,1,6\n18,1,1\n");
  char json[2048];
  snprintf(json, sizeof json,
           "{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"%s\"},"
           " \"devices\": [{\"name\": \"d\", \"token_capacity\": 8, \"max_parallel\": 4,"
           " \"tgs\": 1000, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1,"
           " \"queue\": {\"max\": 4, \"discipline\": \"sjf\"}}],"
           " \"limiter\": {\"kind\": \"token_bucket\", \"window_s\": 8},"
           " \"dispatch\": {\"policy\": \"random\"}}",
           strrchr(trace, '/') + 1);
  sjf_expect(tu_load(json, NULL, 0), (double[]){16, 18, 17}, (double[]){16, 18, 23},
             (int[]){0, 0, 0}, 3);
}

/* A reference of the waiting requests, kept from the observer's events:
 * every start of a waiting request must be the one with the fewest tokens
 * (ties: the earliest arrival) among those waiting on its device, and
 * every time-out the oldest, exactly at its arrival + D. */
enum { REF_MAX = 64 };
typedef struct sjf_ref {
  obs o;
  double deadline;
  size_t n, starts, outs;
  struct {
    uint64_t id, tok;
    double t_arr;
  } w[REF_MAX]; /* in arrival order */
} sjf_ref;

static size_t ref_find(const sjf_ref *r, uint64_t id) {
  size_t k = 0;
  while (k < r->n && r->w[k].id != id)
    k++;
  return k;
}

static void ref_drop(sjf_ref *r, size_t k) {
  memmove(&r->w[k], &r->w[k + 1], (r->n - k - 1) * sizeof r->w[0]);
  r->n--;
}

static void ref_wait(obs *o, const run *u, double t, long picked, size_t i, const wl_arrival *a) {
  (void)picked, (void)i;
  sjf_ref *r = (sjf_ref *)o;
  assert_true(r->n < REF_MAX);
  r->w[r->n].id = obs_req_id(u), r->w[r->n].tok = a->tokens, r->w[r->n++].t_arr = t;
}

static void ref_admit(obs *o, const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
                      double service) {
  (void)t, (void)i, (void)t_arr, (void)service;
  sjf_ref *r = (sjf_ref *)o;
  size_t k = ref_find(r, obs_req_id(u));
  if (k == r->n)
    return;                         /* admitted on arrival */
  for (size_t m = 0; m < r->n; m++) /* fewest tokens, the first of equals */
    if (r->w[m].tok < a->tokens || (r->w[m].tok == a->tokens && m < k))
      fail_msg("sjf started %llu tokens (arrived %g) while %llu (arrived %g) waited",
               (unsigned long long)a->tokens, r->w[k].t_arr, (unsigned long long)r->w[m].tok,
               r->w[m].t_arr);
  ref_drop(r, k);
  r->starts++;
}

static void ref_timeout(obs *o, const run *u, double t, size_t i, double t_arr,
                        const wl_arrival *a) {
  (void)i, (void)a;
  sjf_ref *r = (sjf_ref *)o;
  size_t k = ref_find(r, obs_req_id(u));
  assert_true(k == 0 && r->n > 0);       /* the oldest */
  assert_true(t == t_arr + r->deadline); /* exactly at its deadline */
  ref_drop(r, k);
  r->outs++;
}

static const obs_ops REF_OPS = {.wait = ref_wait, .admit = ref_admit, .timeout = ref_timeout};

/* Poisson arrivals, tokens 1 to 12, two slots, under each limiter kind:
 * the reference order holds at every start and time-out; es_run's checks
 * (conservation, Little) pass. */
static void sjf_order_random(void **state) {
  (void)state;
  const char *json =
      "{\"duration_s\": 3000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 1.2,"
      " \"prompt_tokens\": 48, \"tokens\": {\"values\": [1, 2, 3, 5, 8, 12],"
      " \"weights\": [1, 1, 1, 1, 1, 1]}},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 40, \"max_parallel\": 2,"
      " \"tgs\": 4, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1,"
      " \"queue\": {\"max\": 12, \"deadline_s\": 6, \"discipline\": \"sjf\"}}],"
      " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"}}";
  for (int k = 0; k < 5; k++) {
    scn *s = load_kind(json, KINDS[k]);
    for (uint64_t seed = 1; seed <= 3; seed++) {
      sjf_ref r = {.o = {&REF_OPS, NULL}, .deadline = 6};
      es_result *res = tu_run(s, seed, &(es_opts){.obs = &r.o});
      print_message("sjf %s seed %llu: %zu started after waiting, %zu timed out\n", KINDS[k],
                    (unsigned long long)seed, r.starts, r.outs);
      assert_true(r.starts > 300 && r.outs > 10);
      assert_int_equal(r.n, 0); /* every queue drained */
      assert_close(res->q.timed_out, (double)r.outs, 0);
      es_result_free(res);
    }
    scn_free(s);
  }
}

/* M/G/1, one slot, unbounded queue, sjf: non-preemptive priority by
 * size. Poisson 0.5/s, 5 or 15 tokens (1:1) at 10 tokens/s: S = 0.5 or
 * 1.5 s, rho_1 = 0.125, rho_2 = 0.375, W0 = lambda E[S^2] / 2 = 0.3125.
 * Cobham: W_k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k)), sigma_k the load
 * of classes 1..k: W_1 = 0.3125 / 0.875 = 0.357143, W_2 =
 * 0.3125 / (0.875 * 0.5) = 0.714286 (FIFO: 0.625 for both). Each class's
 * mean wait over 30 replications within 3 standard errors. */
typedef struct cls_obs {
  obs o;
  double from, sum[2];
  size_t n[2];
} cls_obs;

static void cls_admit(obs *o, const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
                      double service) {
  (void)u, (void)i, (void)service;
  cls_obs *c = (cls_obs *)o;
  if (t_arr < c->from)
    return;
  int k = a->tokens > 5;
  c->sum[k] += t - t_arr;
  c->n[k]++;
}

static const obs_ops CLS_OPS = {.admit = cls_admit};

static void sjf_cobham(void **state) {
  (void)state;
  const char *json =
      "{\"duration_s\": 4000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 0.5,"
      " \"prompt_tokens\": 48, \"tokens\": {\"values\": [5, 15], \"weights\": [1, 1]}},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 4294967294, \"max_parallel\": 1,"
      " \"tgs\": 10, \"ttft_s\": 0, \"power_active_w\": 3, \"power_idle_w\": 1,"
      " \"queue\": {\"max\": 1000000, \"discipline\": \"sjf\"}}],"
      " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"}}";
  scn *s = tu_load(json, NULL, 0);
  enum { R = 30 };
  double x[2][R], all[R];
  for (int k = 0; k < R; k++) {
    cls_obs c = {.o = {&CLS_OPS, NULL}, .from = 200};
    es_result *r = tu_run(s, 500 + (uint64_t)k, &(es_opts){.warmup_s = 200, .obs = &c.o});
    for (int m = 0; m < 2; m++)
      x[m][k] = c.sum[m] / (double)c.n[m];
    all[k] = r->q.qwait[0][0]; /* both classes: (W_1 + W_2) / 2 = 0.535714 */
    es_result_free(r);
  }
  const double want[2] = {0.3125 / 0.875, 0.3125 / (0.875 * 0.5)};
  for (int m = 0; m < 3; m++) {
    const double *v = m < 2 ? x[m] : all;
    double w = m < 2 ? want[m] : (want[0] + want[1]) / 2;
    double mean = gsl_stats_mean(v, 1, R), se = gsl_stats_sd(v, 1, R) / sqrt(R);
    print_message("sjf M/G/1 %s: mean wait %.5f +- %.5f (se), Cobham %.5f\n",
                  m == 0   ? "5 tokens"
                  : m == 1 ? "15 tokens"
                           : "all",
                  mean, se, w);
    if (fabs(mean - w) > 3 * se)
      fail_msg("sjf M/G/1: mean wait %.5f +- %.5f (se), Cobham %.5f", mean, se, w);
  }
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(bucket_starts),
      cmocka_unit_test(fixed_window_starts),
      cmocka_unit_test(sliding_counter_starts),
      cmocka_unit_test(sliding_window_starts),
      cmocka_unit_test(little_every_kind),
      cmocka_unit_test(sjf_by_hand),
      cmocka_unit_test(sjf_new_head_fits),
      cmocka_unit_test(sjf_order_random),
      cmocka_unit_test(sjf_cobham),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
