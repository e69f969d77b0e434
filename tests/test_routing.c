/* test_routing.c: difficulty, accuracy curves and routing strategies
 * (sim/route.c, sim/kinds/route_*.c) against closed forms integrated over
 * the difficulty law with GSL (gsl_integration_qags), hand-computed cases,
 * and edge_first's byte-identity.
 *
 * The base scenario: Poisson arrivals of 48 + 100 tokens, one device that
 * never refuses (capacity and slots far above the load), the paper's cloud.
 * Expected accuracy per request is an i.i.d. value X(d, verdict), so the
 * run's mean is within 3 standard errors sqrt(Var X / N) of E[X]. */
#include "scenario.h"
#include "testrun.h"

#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#include "engine.h"

#include <sys/stat.h>

#define RATE 20.0
#define DURATION 5000.0
#define USD (48 * 30e-6 + 100 * 60e-6) /* one cloud answer, USD */
#define USD_CASC USD                   /* the same prompt and output */

/* Device curve: logistic d50 0.6, scale 0.1; cloud: points (0, 0.99), (1, 0.9). */
static double p_edge(double d) { return 1 / (1 + exp((d - 0.6) / 0.1)); }
static double p_cloud(double d) { return 0.99 - 0.09 * d; }
static double f_beta(double d) { return gsl_ran_beta_pdf(d, 2, 3); }

/* Extra keys of the device entry (queues, service, failures), or "". */
static const char *dev_extra = "";

static scn *load(const char *routing, const char *difficulty) {
  static char json[4096];
  snprintf(json, sizeof json,
           "{\"duration_s\": %g, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": %g,"
           " \"tokens\": 100},"
           " \"devices\": [{\"name\": \"d\", \"token_capacity\": 4000000000, \"max_parallel\":"
           " 1000000, \"tgs\": 1000, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1,"
           " \"accuracy\": {\"d50\": 0.6, \"scale\": 0.1}%s}],"
           " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"},"
           " \"cloud\": {\"accuracy\": {\"d\": [0, 1], \"p\": [0.99, 0.9]}}%s%s%s%s}",
           DURATION, RATE, dev_extra, difficulty ? ", \"difficulty\": " : "",
           difficulty ? difficulty : "", routing ? ", \"routing\": " : "", routing ? routing : "");
  return tu_load(json, NULL, 0);
}

static es_result *run1(scn *s, uint64_t seed) { return tu_run(s, seed, NULL); }

/* ---- integration --------------------------------------------------------------- */

typedef double (*fn1)(double d, const void *arg);
typedef struct integrand {
  fn1 g;
  const void *arg;
} integrand;

static double weighted(double d, void *p) {
  const integrand *q = p;
  return q->g(d, q->arg) * f_beta(d);
}

/* int_a^b g(d) f(d) dd */
static double integrate(fn1 g, const void *arg, double a, double b) {
  gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
  integrand q = {g, arg};
  gsl_function F = {weighted, &q};
  double v, err;
  assert_int_equal(gsl_integration_qags(&F, a, b, 0, 1e-10, 1000, w, &v, &err), 0);
  gsl_integration_workspace_free(w);
  return v;
}

/* The threshold strategy with a perfect router: X = P_edge(d) for d <=
 * theta, P_cloud(d) above; its square for the variance. */
static double thr_x(double d, const void *a) {
  return d > *(const double *)a ? p_cloud(d) : p_edge(d);
}
static double thr_x2(double d, const void *a) { return thr_x(d, a) * thr_x(d, a); }
static double one(double d, const void *a) { return (void)d, (void)a, 1.0; }

/* The cascade with verifier (tpr, fpr): escalated with q = p fpr + (1 - p)
 * tpr; X = P_cloud(d) then, else p (1 - fpr) / (1 - q). */
typedef struct verifier {
  double tpr, fpr;
} verifier;
static double esc_q(double d, const void *a) {
  const verifier *v = a;
  double p = p_edge(d);
  return p * v->fpr + (1 - p) * v->tpr;
}
static double casc_x(double d, const void *a) {
  const verifier *v = a;
  return p_edge(d) * (1 - v->fpr) + esc_q(d, a) * p_cloud(d);
}
static double casc_x2(double d, const void *a) {
  const verifier *v = a;
  double p = p_edge(d), q = esc_q(d, a), keep = q < 1 ? p * (1 - v->fpr) / (1 - q) : 0;
  return (1 - q) * keep * keep + q * p_cloud(d) * p_cloud(d);
}

#define BETA "{\"beta\": [2, 3]}"

/* Threshold, perfect router, theta 0.4: accuracy and cloud cost per
 * request against the integrals; the cloud share is P(d > theta). */
static void threshold_closed_form(void **state) {
  (void)state;
  double theta = 0.4;
  scn *s = load("{\"strategy\": \"threshold\", \"theta\": 0.4}", BETA);
  es_result *r = run1(s, 7);
  double n = r->generated;
  double ex = integrate(thr_x, &theta, 0, theta) + integrate(thr_x, &theta, theta, 1);
  double ex2 = integrate(thr_x2, &theta, 0, theta) + integrate(thr_x2, &theta, theta, 1);
  double se = sqrt((ex2 - ex * ex) / n);
  double pc = integrate(one, NULL, theta, 1), se_c = sqrt(pc * (1 - pc) / n);
  print_message("threshold: accuracy %.6f, expected %.6f (se %.2g); cloud share %.5f, expected "
                "%.5f (se %.2g)\n",
                r->rq.acc_all, ex, se, r->redirected / n, pc, se_c);
  assert_close(r->rq.acc_all, ex, 3 * se);
  assert_close(r->redirected / n, pc, 3 * se_c);
  assert_close(r->cloud_usd / n, pc * USD, 3 * se_c * USD);
  assert_close(r->rq.to_cloud, r->redirected, 0); /* the edge refuses nothing */
  assert_close(r->dropped, 0, 0);
  es_result_free(r);
  scn_free(s);
}

/* The same closed form through the queue/service path (svc.h): a queue,
 * shared service with a batch curve and prefill, an SLO; the capacities do
 * not bind, so requests start at arrival and the accuracy is that of the
 * LM that answered, accounted when it starts (service.c). */
static void threshold_with_queues(void **state) {
  (void)state;
  double theta = 0.4;
  dev_extra =
      ", \"queue\": {\"max\": 4, \"deadline_s\": 1}, \"service\": \"shared\","
      " \"prefill_tps\": 2000, \"batch_curve\": {\"batch\": [1, 2], \"tokens_per_s\": [1000,"
      " 2000]}";
  scn *s = load("{\"strategy\": \"threshold\", \"theta\": 0.4}", BETA);
  dev_extra = "";
  es_result *r = run1(s, 7);
  double n = r->generated;
  double ex = integrate(thr_x, &theta, 0, theta) + integrate(thr_x, &theta, theta, 1);
  double ex2 = integrate(thr_x2, &theta, 0, theta) + integrate(thr_x2, &theta, theta, 1);
  double se = sqrt((ex2 - ex * ex) / n);
  double pc = integrate(one, NULL, theta, 1), se_c = sqrt(pc * (1 - pc) / n);
  print_message("threshold with queues: accuracy %.6f, expected %.6f (se %.2g)\n", r->rq.acc_all,
                ex, se);
  assert_int_equal(r->groups & (ES_MG_SVC | ES_MG_ROUTE), ES_MG_SVC | ES_MG_ROUTE);
  assert_close(r->rq.acc_all, ex, 3 * se);
  assert_close(r->redirected / n, pc, 3 * se_c);
  assert_close(r->rq.to_cloud, r->redirected, 0);
  assert_close(r->q.queued, 0, 0);
  assert_close(r->rq.acc_edge * r->edge_served + r->rq.acc_cloud * r->redirected, r->rq.acc_all * n,
               1e-9 * n);
  es_result_free(r);
  scn_free(s);
}

/* Device failures cut edge answers, which fail over to the cloud: each
 * answer is credited to the LM that gave it, so accuracy.edge and
 * accuracy.cloud stay the curves' means over the difficulty law (a failure
 * does not depend on d), with and without queues and shared service. A
 * cut whose edge credit were kept would inflate accuracy.edge by the
 * failed-over share. */
static void failures_credit_who_answered(void **state) {
  (void)state;
  const char *extras[] = {
      ", \"failure\": {\"mtbf_s\": 20, \"mttr_s\": 2}",
      ", \"failure\": {\"mtbf_s\": 20, \"mttr_s\": 2}, \"queue\": {\"max\": 4}",
      ", \"failure\": {\"mtbf_s\": 20, \"mttr_s\": 2}, \"service\": \"shared\", \"prefill_tps\":"
      " 2000, \"batch_curve\": {\"batch\": [1, 2], \"tokens_per_s\": [1000, 2000]}"};
  static const double ZERO = 0, ONE = 1; /* thr_x with theta 1: P_edge; theta 0: P_cloud */
  double pe = integrate(thr_x, &ONE, 0, 1), pe2 = integrate(thr_x2, &ONE, 0, 1);
  double pcl = integrate(thr_x, &ZERO, 0, 1), pcl2 = integrate(thr_x2, &ZERO, 0, 1);
  for (int k = 0; k < 3; k++) {
    dev_extra = extras[k];
    scn *s = load(NULL, BETA);
    dev_extra = "";
    es_result *r = run1(s, 21 + (uint64_t)k);
    double ne = r->edge_served, nc = r->redirected;
    print_message("failures (%d): %.0f failed over; accuracy edge %.6f (expected %.6f), cloud "
                  "%.6f (expected %.6f)\n",
                  k, r->x.failed_over, r->rq.acc_edge, pe, r->rq.acc_cloud, pcl);
    assert_true(r->x.failed_over > 100);
    assert_true(nc >= r->x.failed_over); /* and the arrivals while the device is down */
    assert_close(r->rq.acc_edge, pe, 3 * sqrt((pe2 - pe * pe) / ne));
    assert_close(r->rq.acc_cloud, pcl, 3 * sqrt((pcl2 - pcl * pcl) / nc));
    assert_close(r->rq.acc_edge * ne + r->rq.acc_cloud * nc, r->rq.acc_all * r->generated,
                 1e-9 * r->generated);
    es_result_free(r);
    scn_free(s);
  }
}

/* A router that is always wrong (router_accuracy 0) sends exactly the
 * complement: accuracy integrates the curves swapped. */
static void threshold_always_wrong(void **state) {
  (void)state;
  double theta = 0.4;
  scn *s = load("{\"strategy\": \"threshold\", \"theta\": 0.4, \"router_accuracy\": 0}", BETA);
  es_result *r = run1(s, 8);
  double n = r->generated;
  double pc = integrate(one, NULL, 0, theta), se_c = sqrt(pc * (1 - pc) / n);
  assert_close(r->redirected / n, pc, 3 * se_c);
  es_result_free(r);
  scn_free(s);
}

static void cascade_case(const char *routing, verifier v, uint64_t seed) {
  scn *s = load(routing, BETA);
  es_result *r = run1(s, seed);
  double n = r->generated;
  double ex = integrate(casc_x, &v, 0, 1), ex2 = integrate(casc_x2, &v, 0, 1);
  double se = sqrt((ex2 - ex * ex) / n);
  double q = integrate(esc_q, &v, 0, 1), se_q = sqrt(q * (1 - q) / n);
  print_message("cascade tpr %g fpr %g: accuracy %.6f, expected %.6f (se %.2g); escalated %.5f, "
                "expected %.5f (se %.2g)\n",
                v.tpr, v.fpr, r->rq.acc_all, ex, se, r->rq.escalated / n, q, se_q);
  assert_close(r->rq.acc_all, ex, 3 * se);
  assert_close(r->rq.escalated / n, q, 3 * se_q);
  assert_close(r->edge_served, n, 0); /* every request is answered at the edge first */
  assert_close(r->redirected, r->rq.escalated, 0);
  assert_close(r->rejected_fraction, 0, 0);
  assert_close(r->cloud_usd, r->rq.escalated * USD, 1e-9);
  es_result_free(r);
  scn_free(s);
}

/* A perfect verifier escalates exactly the wrong answers: accuracy
 * int [p + (1 - p) P_cloud] f. */
static void cascade_perfect_verifier(void **state) {
  (void)state;
  cascade_case("{\"strategy\": \"cascade\", \"verifier\": {\"tpr\": 1, \"fpr\": 0}}",
               (verifier){1, 0}, 9);
}

static void cascade_noisy_verifier(void **state) {
  (void)state;
  cascade_case("{\"strategy\": \"cascade\", \"verifier\": {\"tpr\": 0.7, \"fpr\": 0.2}}",
               (verifier){0.7, 0.2}, 10);
}

/* Every metric of runs a and b is equal, but routing.* and pcr.* (and
 * accuracy.* unless `acc`). */
static void assert_same_metrics(const es_result *a, const es_result *b, int acc) {
  for (size_t i = 0; i < es_metric_count(); i++) {
    const char *m = es_metric_name(i);
    if (!strncmp(m, "routing.", 8) || !strncmp(m, "pcr.", 4) ||
        (!acc && !strncmp(m, "accuracy.", 9)))
      continue;
    if (es_metric_value(a, i) != es_metric_value(b, i))
      fail_msg("%s: %.17g != %.17g", es_metric_name(i), es_metric_value(a, i),
               es_metric_value(b, i));
  }
}

/* A verifier that never escalates is edge_first, bit for bit (accuracy
 * included); edge_first with difficulty changes no other metric than
 * without it (its own streams: common random numbers). Load is high
 * enough here that the edge refuses some requests. */
static void never_escalating_is_edge_first(void **state) {
  (void)state;
  const char *sets[] = {"devices.0.token_capacity=1500", "devices.0.max_parallel=4"};
  const char *text =
      "{\"duration_s\": 2000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 20,"
      " \"tokens\": 100},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 1000000, \"max_parallel\": 1000,"
      " \"tgs\": 1000, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1,"
      " \"quality\": 0.8, \"accuracy\": {\"d50\": 0.6, \"scale\": 0.1}}],"
      " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"},"
      " \"cloud\": {\"quality\": 0.95, \"accuracy\": {\"d\": [0, 1], \"p\": [0.99, 0.9]}},"
      " \"difficulty\": {\"beta\": [2, 3]}}";
  scn *ef = tu_load(text, sets, 2);
  const char *csets[] = {sets[0], sets[1], "routing.strategy=cascade", "routing.verifier.tpr=0",
                         "routing.verifier.fpr=0"};
  scn *cz = tu_load(text, csets, 5);
  es_result *a = run1(ef, 3), *b = run1(cz, 3);
  assert_true(a->redirected > 0 && a->edge_served > 0);
  assert_same_metrics(a, b, 1);
  assert_true(a->rq.acc_all == b->rq.acc_all && a->rq.acc_edge == b->rq.acc_edge);
  assert_close(b->rq.escalated, 0, 0);
  /* without the opt-in keys (cut out of the text): the same numbers */
  char *stripped = strdup(text);
  char *cut = strstr(stripped, ", \"difficulty\"");
  strcpy(cut, "}");
  char *acc = strstr(stripped, ", \"accuracy\": {\"d50\"");
  memmove(acc, strstr(acc, "}}") + 1, strlen(strstr(acc, "}}") + 1) + 1);
  acc = strstr(stripped, ", \"accuracy\": {\"d\"");
  memmove(acc, strstr(acc, "]}") + 2, strlen(strstr(acc, "]}") + 2) + 1);
  scn *plain = tu_load(stripped, sets, 2);
  free(stripped);
  assert_false(plain->rt.has_diff);
  es_result *c = run1(plain, 3);
  assert_same_metrics(a, c, 0);
  assert_int_equal(c->groups & ES_MG_ROUTE, 0);
  assert_int_equal(a->groups & ES_MG_ROUTE, ES_MG_ROUTE);
  es_result_free(a), es_result_free(b), es_result_free(c);
  scn_free(ef), scn_free(cz), scn_free(plain);
}

/* By hand: one difficulty (0.5), the device's points (0, 1), (1, 0.6) give
 * p = 0.8; the cloud is flat at 0.95; tpr 0.5, fpr 0.25 escalate with q =
 * 0.8 * 0.25 + 0.2 * 0.5 = 0.3; a kept answer is right with 0.8 * 0.75 /
 * 0.7 = 6/7. So accuracy.edge = 6/7, accuracy.cloud = 0.95, accuracy.all
 * = (kept * 6/7 + escalated * 0.95) / N with E = 0.7 * 6/7 + 0.3 * 0.95 =
 * 0.885. An escalated request's latency: edge 0.1 + 100/1000 = 0.2 s, then
 * the cloud's 0.05 + 0.71 + 100/50 = 2.76 s: 2.96 s. */
static void cascade_by_hand(void **state) {
  (void)state;
  const char *text =
      "{\"duration_s\": 5000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 20,"
      " \"tokens\": 100},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 4000000000, \"max_parallel\": 1000000,"
      " \"tgs\": 1000, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1,"
      " \"accuracy\": {\"d\": [0, 1], \"p\": [1, 0.6]}}],"
      " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"},"
      " \"cloud\": {\"quality\": 0.95}, \"difficulty\": {\"values\": [0.5]},"
      " \"routing\": {\"strategy\": \"cascade\", \"verifier\": {\"tpr\": 0.5, \"fpr\": 0.25}}}";
  scn *s = tu_load(text, NULL, 0);
  es_result *r = run1(s, 11);
  double n = r->generated, esc = r->rq.escalated;
  assert_close(esc / n, 0.3, 3 * sqrt(0.3 * 0.7 / n));
  assert_close(r->rq.acc_edge, 6.0 / 7, 1e-12);
  assert_close(r->rq.acc_cloud, 0.95, 1e-12);
  assert_close(r->rq.acc_all, ((n - esc) * 6.0 / 7 + esc * 0.95) / n, 1e-12);
  assert_close(r->rq.acc_all, 0.885, 3 * sqrt(0.3 * 0.7 / n) * (0.95 - 6.0 / 7));
  assert_close(r->lat[1][0], 2.96, 1e-9); /* the cloud's mean latency: exact */
  assert_close(r->lat[0][0], 0.2, 1e-9);  /* kept edge answers only */
  assert_close(r->lat[2][0], ((n - esc) * 0.2 + esc * 2.96) / n, 1e-9);
  /* PCR's utility: Q is the request's accuracy, R its platform's TTFT */
  assert_close(r->pcr_utility * n, 0.5 * (r->rq.acc_all * n) + 0.5 * ((n - esc) * 0.1 + esc * 0.71),
               1e-6);
  es_result_free(r);
  scn_free(s);
}

/* By hand: cascade_by_hand's device, a verifier that escalates every
 * answer (tpr = fpr = 1: q = 1, an escalated answer is right with p fpr /
 * q = 0.8), and a cloud down in [1000, 2000). Each escalation leaves when
 * its edge answer completes, 0.2 s after its arrival: those of arrivals in
 * [999.8, 1999.8) meet the outage and are refused (no retry), so their
 * edge answers stand at 0.8; with a retry after 600 s, only those of
 * arrivals in [999.8, 1399.8) are retried into the outage again (the
 * others are answered in [2000, 2600)). Everything else is the cloud's:
 * 0.95, latency 0.2 + 2.76 s (the retry's wait is not latency without
 * queues, as for any cloud retry). Nothing is dropped; generated =
 * escalated + refused. */
static void cascade_meets_outage(void **state) {
  (void)state;
  const char *text =
      "{\"duration_s\": 5000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 20,"
      " \"tokens\": 100},"
      " \"devices\": [{\"name\": \"d\", \"token_capacity\": 4000000000, \"max_parallel\": 1000000,"
      " \"tgs\": 1000, \"ttft_s\": 0.1, \"power_active_w\": 3, \"power_idle_w\": 1,"
      " \"accuracy\": {\"d\": [0, 1], \"p\": [1, 0.6]}}],"
      " \"limiter\": {\"window_s\": 1}, \"dispatch\": {\"policy\": \"random\"},"
      " \"cloud\": {\"quality\": 0.95, \"outages\": [[1000, 2000]]}, \"difficulty\": {\"values\":"
      " [0.5]}, \"routing\": {\"strategy\": \"cascade\", \"verifier\": {\"tpr\": 1, \"fpr\": 1}}}";
  const char *retry[] = {"cloud.retry.attempts=1", "cloud.retry.backoff_s=600"};
  for (int k = 0; k < 2; k++) {
    scn *s = tu_load(text, retry, k ? 2 : 0);
    es_result *r = run1(s, 13);
    double n = r->generated, esc = r->rq.escalated, ref = r->rq.esc_refused;
    double span = k ? 400 : 1000; /* arrivals whose escalation is refused for good */
    print_message("cascade, outage (retry %d): %.0f refused, expected %.0f +- %.0f\n", k, ref,
                  20 * span, 3 * sqrt(20 * span));
    assert_int_equal(r->groups & ES_MG_ESC, ES_MG_ESC);
    assert_close(esc + ref, n, 0);
    assert_close(r->dropped, 0, 0);
    assert_close(r->edge_served, n, 0);
    assert_close(r->redirected, esc, 0);
    assert_close(ref, 20 * span, 3 * sqrt(20 * span));
    assert_close(r->x.unavailable, 0, 0);    /* a refused escalation is no drop */
    assert_close(r->rq.acc_edge, 0.8, 1e-9); /* sums of 1e5 terms: rounding */
    assert_close(r->rq.acc_cloud, 0.95, 1e-9);
    assert_close(r->rq.acc_all, (ref * 0.8 + esc * 0.95) / n, 1e-9);
    assert_close(r->lat[1][0], 2.96, 1e-9);
    assert_close(r->lat[0][0], 0.2, 1e-9);
    assert_close(r->cloud_usd, esc * USD_CASC, 1e-6);
    es_result_free(r);
    scn_free(s);
  }
}

/* ---- model_switch --------------------------------------------------------------- */

/* A models directory with one profile "mini": power 10 W active, 0 idle;
 * LM "small" 10 tok/s, 1 GiB; "large" 5 tok/s, 2 GiB; "huge" does not
 * fit. Returns the directory (static). */
static const char *mini_models(void) {
  static char dir[256];
  char p[300];
  snprintf(dir, sizeof dir, "/tmp/edgesim-msw-%ld", (long)getpid());
  mkdir(dir, 0700);
  snprintf(p, sizeof p, "%s/profiles", dir);
  mkdir(p, 0700);
  snprintf(p, sizeof p, "%s/profiles/mini.json", dir);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs("{\"profile\": \"mini\", \"power_active_w\": 10, \"power_idle_w\": 0, \"lm\": {"
        "\"small\": {\"tgs\": 10, \"ttft_s\": 0, \"fits\": true, \"resident_gib\": 1},"
        "\"large\": {\"tgs\": 5, \"ttft_s\": 0, \"fits\": true, \"resident_gib\": 2},"
        "\"huge\": {\"tgs\": 1, \"ttft_s\": 0, \"fits\": false, \"resident_gib\": 99}}}",
        f);
  fclose(f);
  return dir;
}

static void mini_models_free(const char *dir) {
  char p[300];
  snprintf(p, sizeof p, "%s/profiles/mini.json", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/profiles", dir);
  rmdir(p);
  rmdir(dir);
}

/* The by-hand scenario below, its swap time given by `swap` (a key). */
static void write_switch_scenario(const char *path, const char *swap) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f,
          "{\"duration_s\": 100, \"workload\": {\"kind\": \"trace\", \"file\": \"t.csv\"},"
          " \"devices\": [{\"name\": \"m\", \"profile\": \"mini\", \"token_capacity\": 100000,"
          " \"max_parallel\": 10, %s, \"models\": ["
          " {\"lm\": \"small\", \"accuracy\": {\"d\": [0, 1], \"p\": [1, 0]}},"
          " {\"lm\": \"large\", \"accuracy\": {\"d\": [0, 1], \"p\": [1, 1]}}]}],"
          " \"limiter\": {\"window_s\": 10}, \"dispatch\": {\"policy\": \"random\"},"
          " \"cloud\": {\"quality\": 0.9}, \"difficulty\": {\"column\": \"D\"},"
          " \"routing\": {\"strategy\": \"model_switch\", \"min_accuracy\": 0.5,"
          " \"switch_window\": 2}}",
          swap);
  fclose(f);
}

/* By hand (K = 2, min_accuracy 0.5; small's curve 1 - d, large's flat 1;
 * swaps at 1 GiB / (2^30 B/s) = 1 s for small, 2 s for large; 10 output
 * tokens; the cloud flat at 0.9):
 *   t = 0    d 0.2  small serves (0.8), ends at 1            ring [S, -]
 *   t = 1.5  d 0.9  small not good: sent up                   ring [S, L]
 *   t = 2    d 0.8  sent up; ring [L, L]: 2 of 2 need large: swap, the device
 *                   idle since 1, so loading takes [2, 4]
 *   t = 3    d 0.1  closed: rejected, to the cloud            ring [L, S]
 *   t = 4.5  d 0.3  large serves (1), ends at 6.5; ring [S, S]: swap to
 *                   small once it is done: loading [6.5, 7.5]
 *   t = 5    d 0.95 closed: rejected                          ring [S, L]
 *   t = 8    d 0.4  small serves (0.6), ends at 9; ring [S, L]: 1 of 2, stays
 * So 3 edge answers (small 2, large 1), 2 sent up, 2 rejected, 2 swaps
 * taking 3 s; busy 1 + 2 + 2 + 1 + 1 = 7 s at 10 W; accuracy edge 2.4 / 3,
 * all (2.4 + 4 x 0.9) / 7. */
static void model_switch_by_hand(void **state) {
  (void)state;
  const char *mdir = mini_models();
  char csv[320], scen[320];
  snprintf(csv, sizeof csv, "%s/t.csv", mdir);
  snprintf(scen, sizeof scen, "%s/s.json", mdir);
  FILE *f = fopen(csv, "w");
  fputs("TIME,PROMPT,OUTPUT,D\n0,1,10,0.2\n1.5,1,10,0.9\n2,1,10,0.8\n3,1,10,0.1\n"
        "4.5,1,10,0.3\n5,1,10,0.95\n8,1,10,0.4\n",
        f);
  fclose(f);
  f = fopen(scen, "w");
  write_switch_scenario(scen, "\"storage_gbs\": 1.073741824");
  es_err e = {0};
  scn *s = NULL;
  if (scn_load(scen, NULL, 0, mdir, &s, &e))
    fail_msg("%s", e.msg);
  es_result *r = run1(s, 1);
  assert_close(r->generated, 7, 0);
  assert_close(r->edge_served, 3, 0);
  assert_close(r->redirected, 4, 0);
  assert_close(r->dev[0].rejected, 2, 0);
  assert_close(r->sw.sent_up, 2, 0);
  assert_close(r->sw.served[0], 2, 0);
  assert_close(r->sw.served[1], 1, 0);
  assert_close(r->sw.served[2] + r->sw.served[3], 0, 0);
  assert_close(r->sw.swaps, 2, 0);
  assert_close(r->sw.swap_s, 3, 1e-9);
  assert_close(r->energy_wh, 70.0 / 3600, 1e-12);
  assert_close(r->lat[0][0], 4.0 / 3, 1e-12); /* 1, 2 and 1 s of service */
  assert_close(r->rq.acc_edge, 0.8, 1e-12);
  assert_close(r->rq.acc_cloud, 0.9, 1e-12);
  assert_close(r->rq.acc_all, 6.0 / 7, 1e-12);
  assert_int_equal(r->groups & ES_MG_SWITCH, ES_MG_SWITCH);
  es_result_free(r);
  scn_free(s);
  /* swap_s 0.5: the first swap ends at 2.5, so at t = 3 large serves (ends
   * at 5, ring [L, S]: stays) and at 4.5 too (ends at 6.5, ring [S, S]:
   * swap to small in [6.5, 7]); t = 5 is rejected; small serves t = 8.
   * 4 edge answers (small 2, large 2), 2 sent up, 1 rejected, swaps 1 s;
   * busy 1 + 0.5 + [3, 6.5] 3.5 + 0.5 + 1 = 6.5 s; accuracy edge 3.4 / 4. */
  write_switch_scenario(scen, "\"swap_s\": 0.5");
  if (scn_load(scen, NULL, 0, mdir, &s, &e))
    fail_msg("%s", e.msg);
  r = run1(s, 1);
  assert_close(r->edge_served, 4, 0);
  assert_close(r->dev[0].rejected, 1, 0);
  assert_close(r->sw.sent_up, 2, 0);
  assert_close(r->sw.served[0], 2, 0);
  assert_close(r->sw.served[1], 2, 0);
  assert_close(r->sw.swaps, 2, 0);
  assert_close(r->sw.swap_s, 1, 0);
  assert_close(r->energy_wh, 65.0 / 3600, 1e-12);
  assert_close(r->rq.acc_edge, 0.85, 1e-12);
  assert_close(r->rq.acc_all, 6.1 / 7, 1e-12);
  es_result_free(r);
  scn_free(s);
  /* a profile LM that does not fit is refused, naming the entry */
  const char *huge[] = {"devices.0.models.1=\"huge\""};
  assert_int_equal(scn_load(scen, huge, 1, mdir, &s, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "devices[0].models[1].lm: \"huge\" does not fit"));
  unlink(csv);
  unlink(scen);
  mini_models_free(mdir);
}

/* Every metric and device result of a and b is equal but routing.*. */
static void assert_same_but_routing(const es_result *a, const es_result *b) {
  for (size_t i = 0; i < es_metric_count(); i++)
    if (strncmp(es_metric_name(i), "routing.", 8) && es_metric_value(a, i) != es_metric_value(b, i))
      fail_msg("%s: %.17g != %.17g", es_metric_name(i), es_metric_value(a, i),
               es_metric_value(b, i));
  for (size_t d = 0; d < a->ndev; d++)
    for (size_t k = 0; k < es_dev_metric_count(); k++)
      assert_true(es_dev_metric_value(&a->dev[d], k) == es_dev_metric_value(&b->dev[d], k));
}

#define MSW_BASE                                                                                   \
  "{\"duration_s\": 2000, \"workload\": {\"kind\": \"poisson\", \"rate_per_s\": 4,"                \
  " \"tokens\": {\"values\": [50, 100, 300], \"weights\": [0.5, 0.3, 0.2]}},"                      \
  " \"limiter\": {\"window_s\": 60}, \"dispatch\": {\"policy\": \"load_aware\"},"                  \
  " \"cloud\": {\"accuracy\": {\"d\": [0, 1], \"p\": [0.99, 0.9]}},"                               \
  " \"difficulty\": {\"beta\": [2, 3]}, \"devices\": [{\"name\": \"agx\", \"count\": 3,"           \
  " \"profile\": \"orin_agx\", \"token_capacity\": %s, \"max_parallel\": %s, %s}]%s}"

/* One stored LM is edge_first with that LM, bit for bit (min_accuracy
 * below the curve's minimum 1 / (1 + e^(0.4/0.1)) = 0.018: nothing is sent
 * up); so are two stored LMs when every request needs the resident one
 * (large first, flat 0.95 >= 0.9; small flat 0.5): no swap, capacities
 * binding or not. */
static void model_switch_is_edge_first(void **state) {
  (void)state;
  static const char *caps[][2] = {{"1500", "4"}, {"4000000000", "100000"}};
  char text[2048];
  for (int c = 0; c < 2; c++) {
    snprintf(text, sizeof text, MSW_BASE, caps[c][0], caps[c][1],
             "\"lm\": \"qwen2.5-3b\", \"accuracy\": {\"d50\": 0.6, \"scale\": 0.1}", "");
    scn *ef = tu_load(text, NULL, 0);
    snprintf(text, sizeof text, MSW_BASE, caps[c][0], caps[c][1],
             "\"models\": [{\"lm\": \"qwen2.5-3b\", \"accuracy\": {\"d50\": 0.6, \"scale\": 0.1}}]",
             ", \"routing\": {\"strategy\": \"model_switch\", \"min_accuracy\": 0.01}");
    scn *ms = tu_load(text, NULL, 0);
    es_result *a = run1(ef, 5), *b = run1(ms, 5);
    if (c == 0)
      assert_true(a->redirected > 0);
    assert_same_but_routing(a, b);
    assert_close(b->sw.sent_up + b->sw.swaps + b->sw.served[1], 0, 0);
    assert_close(b->sw.served[0], b->edge_served, 0);
    es_result_free(a), es_result_free(b), scn_free(ef), scn_free(ms);
    snprintf(text, sizeof text, MSW_BASE, caps[c][0], caps[c][1],
             "\"lm\": \"qwen2.5-7b\", \"accuracy\": {\"d\": [0, 1], \"p\": [0.95, 0.95]}", "");
    ef = tu_load(text, NULL, 0);
    snprintf(text, sizeof text, MSW_BASE, caps[c][0], caps[c][1],
             "\"swap_s\": 5, \"models\": [{\"lm\": \"qwen2.5-7b\", \"accuracy\": {\"d\": [0, 1],"
             " \"p\": [0.95, 0.95]}}, {\"lm\": \"qwen2.5-3b\", \"accuracy\": {\"d\": [0, 1],"
             " \"p\": [0.5, 0.5]}}]",
             ", \"routing\": {\"strategy\": \"model_switch\", \"min_accuracy\": 0.9,"
             " \"switch_window\": 1}");
    ms = tu_load(text, NULL, 0);
    a = run1(ef, 6), b = run1(ms, 6);
    assert_same_but_routing(a, b);
    assert_close(b->sw.swaps + b->sw.swap_s + b->sw.sent_up + b->sw.served[0], 0, 0);
    assert_close(b->sw.served[1], b->edge_served, 0); /* the larger of the two */
    es_result_free(a), es_result_free(b), scn_free(ef), scn_free(ms);
  }
}

/* No swap can occur when fewer than half of K = 4096 requests need the
 * large LM (here P(d > 0.6) = 0.179 under Beta(2, 3): a swap needs 2049,
 * 27 standard deviations above the mean 733): the small LM (the test's
 * P_edge, good enough iff d <= 0.6 at min_accuracy 0.5) serves d <= 0.6,
 * the cloud the rest. Accuracy int_0^0.6 P_edge f + int_0.6^1 P_cloud f,
 * sent up P(d > 0.6), capacities non-binding. */
static double small_or_cloud(double d, const void *a) {
  (void)a;
  return d <= 0.6 ? p_edge(d) : p_cloud(d);
}
static double small_or_cloud2(double d, const void *a) {
  return small_or_cloud(d, a) * small_or_cloud(d, a);
}

static void model_switch_closed_form(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, MSW_BASE, "4000000000", "100000",
           "\"swap_s\": 5, \"models\": [{\"lm\": \"qwen2.5-3b\", \"accuracy\": {\"d50\": 0.6,"
           " \"scale\": 0.1}}, {\"lm\": \"qwen2.5-7b\", \"accuracy\": {\"d\": [0, 1],"
           " \"p\": [0.95, 0.95]}}]",
           ", \"routing\": {\"strategy\": \"model_switch\", \"min_accuracy\": 0.5,"
           " \"switch_window\": 4096}");
  const char *sets[] = {"duration_s=20000", "workload.rate_per_s=5"};
  scn *s = tu_load(text, sets, 2);
  es_result *r = run1(s, 12);
  double n = r->generated;
  double ex = integrate(small_or_cloud, NULL, 0, 0.6) + integrate(small_or_cloud, NULL, 0.6, 1);
  double ex2 = integrate(small_or_cloud2, NULL, 0, 0.6) + integrate(small_or_cloud2, NULL, 0.6, 1);
  double se = sqrt((ex2 - ex * ex) / n);
  double pu = integrate(one, NULL, 0.6, 1), se_u = sqrt(pu * (1 - pu) / n);
  print_message("model_switch: accuracy %.6f, expected %.6f (se %.2g); sent up %.5f, expected "
                "%.5f (se %.2g)\n",
                r->rq.acc_all, ex, se, r->sw.sent_up / n, pu, se_u);
  assert_close(r->sw.swaps, 0, 0);
  assert_close(r->rq.acc_all, ex, 3 * se);
  assert_close(r->sw.sent_up / n, pu, 3 * se_u);
  assert_close(r->sw.sent_up, r->redirected, 0); /* the edge refuses nothing */
  assert_close(r->sw.served[0], r->edge_served, 0);
  es_result_free(r);
  scn_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(threshold_closed_form),
      cmocka_unit_test(threshold_always_wrong),
      cmocka_unit_test(cascade_perfect_verifier),
      cmocka_unit_test(cascade_noisy_verifier),
      cmocka_unit_test(never_escalating_is_edge_first),
      cmocka_unit_test(cascade_by_hand),
      cmocka_unit_test(threshold_with_queues),
      cmocka_unit_test(failures_credit_who_answered),
      cmocka_unit_test(cascade_meets_outage),
      cmocka_unit_test(model_switch_by_hand),
      cmocka_unit_test(model_switch_is_edge_first),
      cmocka_unit_test(model_switch_closed_form),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
