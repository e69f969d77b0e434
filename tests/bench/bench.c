/* bench.c: edgesim_bench, throughput and scaling of the simulator.
 *
 *   edgesim_bench [options] SCENARIO.json
 *       runs the scenario (each policy with --policy all) and prints
 *       simulated requests and events per second of wall time and the peak
 *       resident memory of the process.
 *   edgesim_bench --sizes [options] [SCENARIO.json]
 *       runs the same workload on 10, 100, 1,000 and 10,000 devices for
 *       every policy and prints the wall-time cost per request. The device
 *       entries keep their proportions; each device's token capacity and
 *       slots are scaled by (base devices / D), so the cluster as a whole has
 *       the same capacity at every size (slots rounded, at least 1).
 *
 * Timing covers es_run() only (device setup included, scenario parsing
 * not); with --reps R the least wall time and the least CPU time of R runs
 * are kept. Rates are per second of wall time; cpu_s (process CPU time)
 * shows whether the machine was shared: then cpu_s is well below wall_s. Not part of ctest:
 * timings depend on the machine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine.h"
#include "kinds.h"
#include "scenario.h"

#define MAX_SETS 64
#ifndef EDGESIM_SOURCE_DIR
#define EDGESIM_SOURCE_DIR "."
#endif
#define DEFAULT_SCENARIO                                                                           \
  EDGESIM_SOURCE_DIR "/scenarios/scale/poisson_1m_users_2000rps_1k_devices.json"

typedef struct opts {
  const char *scenario;
  const char *sets[MAX_SETS];
  size_t nsets;
  const char *policy; /* NULL: the scenario's; "all": each */
  uint64_t seed;
  int has_seed, sizes, scan, weak, reps;
  double requests; /* --sizes: requests per run (Poisson workloads) */
} opts;

typedef struct sample {
  double wall_s, cpu_s, requests, events, rejected_fraction;
} sample;

/* Every registered policy, in registry order. */
static size_t npolicies(void) {
  size_t n = 0;
  while (DISP_REGISTRY.rows[n])
    n++;
  return n;
}
static const char *policy(size_t p) { return DISP_REGISTRY.rows[p]->name; }

/* The policy as printed: load_aware under --scan is marked. */
static const char *label(const opts *o, const scn *s) {
  return o->scan && !strcmp(scn_policy_name(s), "load_aware") ? "la_scan" : scn_policy_name(s);
}

static double clock_s(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double peak_rss_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

static void die(const char *msg) {
  fprintf(stderr, "edgesim_bench: %s\n", msg);
  exit(2);
}

/* Loads the scenario with o's overrides plus `extra`; exits on error. */
static scn *load(const opts *o, const char *const *extra, size_t nextra) {
  const char *sets[2 * MAX_SETS];
  size_t n = 0;
  for (size_t i = 0; i < o->nsets; i++)
    sets[n++] = o->sets[i];
  for (size_t i = 0; i < nextra && n < 2 * MAX_SETS; i++)
    sets[n++] = extra[i];
  scn *s = NULL;
  es_err e = {0};
  if (scn_load(o->scenario, sets, n, NULL, &s, &e))
    die(e.msg);
  return s;
}

/* o->reps runs of s: the least wall time and the least CPU time (each the
 * best of the reps, so a run slowed by other processes does not count). */
static sample run(const opts *o, const scn *s) {
  sample best = {INFINITY, INFINITY, 0, 0, 0};
  es_opts eo = {.scan_dispatch = o->scan};
  for (int k = 0; k < o->reps; k++) {
    es_result *r = es_result_new(s);
    es_err e = {0};
    if (!r)
      die("out of memory");
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (es_run(s, o->has_seed ? o->seed : s->seed, &eo, r, &e))
      die(e.msg);
    double wall = clock_s(CLOCK_MONOTONIC) - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    best = (sample){fmin(wall, best.wall_s), fmin(cpu, best.cpu_s), r->generated, r->events,
                    r->rejected_fraction};
    es_result_free(r);
  }
  return best;
}

/* ---- throughput of one scenario ------------------------------------------------ */

static void throughput(const opts *o) {
  printf("%-10s %8s %12s %12s %8s %8s %10s %10s %8s %9s\n", "policy", "devices", "requests",
         "events", "wall_s", "cpu_s", "Mreq/s", "Mevents/s", "rejected", "peak_MB");
  size_t np = o->policy && !strcmp(o->policy, "all") ? npolicies() : 1;
  for (size_t p = 0; p < np; p++) {
    char set[64];
    const char *extra[1] = {set};
    snprintf(set, sizeof set, "dispatch.policy=%s", np > 1 ? policy(p) : o->policy);
    scn *s = load(o, extra, o->policy ? 1 : 0);
    sample x = run(o, s);
    printf("%-10s %8zu %12.0f %12.0f %8.3f %8.3f %10.2f %10.2f %8.4f %9.1f\n", label(o, s),
           s->ninst, x.requests, x.events, x.wall_s, x.cpu_s, x.requests / x.wall_s / 1e6,
           x.events / x.wall_s / 1e6, x.rejected_fraction, peak_rss_mb());
    fflush(stdout);
    scn_free(s);
  }
}

/* ---- cost per request against cluster size ------------------------------------------- */

/* Overrides that turn the base scenario's devices into a cluster of about
 * `size` devices (*devs of them, after rounding); returns how many. By
 * default the cluster keeps the base's total capacity (each device's C and
 * slots scaled by base devices / size); with `weak`, each device keeps its
 * C and slots and the caller scales the arrival rate instead (the same load
 * per device at every size). */
static size_t scale_sets(const scn *base, size_t size, int weak, char (*buf)[64], const char **sets,
                         size_t *devs) {
  size_t n = 0;
  *devs = 0;
  double f = (double)size / (double)base->ninst; /* devices per base device */
  for (size_t j = 0; j < base->ndev; j++) {
    const scn_device *d = &base->dev[j];
    double count = fmax(1, round((double)d->count * f));
    double cap = fmax(1, round((double)d->token_capacity / f));
    double par = fmax(1, round((double)d->max_parallel / f));
    *devs += (size_t)count;
    snprintf(buf[n++], 64, "devices.%zu.count=%.0f", j, count);
    if (!weak) {
      snprintf(buf[n++], 64, "devices.%zu.token_capacity=%.0f", j, cap);
      snprintf(buf[n++], 64, "devices.%zu.max_parallel=%.0f", j, par);
    }
  }
  for (size_t k = 0; k < n; k++)
    sets[k] = buf[k];
  return n;
}

static void sizes(const opts *o) {
  static const size_t SIZES[] = {10, 100, 1000, 10000};
  scn *base = load(o, NULL, 0);
  if (base->ndev > 16)
    die("--sizes: at most 16 device entries in the base scenario");
  char buf[3 * 16 + 3][64];
  const char *sets[3 * 16 + 3];
  if (o->policy && strcmp(o->policy, "all") && !kind_find(&DISP_REGISTRY, o->policy))
    die("--policy: not a dispatch policy (edgesim --help lists them)");
  int poisson = !strcmp(scn_workload_name(base), "poisson");
  if (o->weak && !poisson)
    die("--weak: needs a Poisson workload (its rate is what scales)");
  printf("%-10s %8s %12s %8s %10s %8s %8s %8s\n", "policy", "devices", "requests", "rejected",
         "ns/req", "vs_10", "cpu_ns", "vs_10");
  for (size_t p = 0; p < npolicies(); p++) {
    if (o->policy && strcmp(o->policy, "all") && strcmp(o->policy, policy(p)))
      continue;
    double first = 0, first_cpu = 0;
    for (size_t k = 0; k < sizeof SIZES / sizeof *SIZES; k++) {
      size_t devs, n = scale_sets(base, SIZES[k], o->weak, buf, sets, &devs);
      snprintf(buf[n], 64, "dispatch.policy=%s", policy(p));
      sets[n] = buf[n], n++;
      if (poisson) {
        double rate = scn_expected_requests(base) / base->duration_s;
        if (o->weak) { /* the base's rate per device, on the cluster actually built */
          rate *= (double)devs / (double)base->ninst;
          snprintf(buf[n], 64, "workload.rate_per_s=%.17g", rate);
          sets[n] = buf[n], n++;
        }
        double d = fmax(o->requests / rate, base->lim.window_s); /* >= W */
        snprintf(buf[n], 64, "duration_s=%.17g", d);
        sets[n] = buf[n], n++;
      }
      scn *s = load(o, sets, n);
      sample x = run(o, s);
      double ns = x.wall_s / x.requests * 1e9, cpu = x.cpu_s / x.requests * 1e9;
      if (k == 0)
        first = ns, first_cpu = cpu;
      printf("%-10s %8zu %12.0f %8.4f %10.1f %7.2fx %8.1f %7.2fx\n", label(o, s), s->ninst,
             x.requests, x.rejected_fraction, ns, ns / first, cpu, cpu / first_cpu);
      fflush(stdout);
      scn_free(s);
    }
  }
  scn_free(base);
}

/* ---- command line ---------------------------------------------------------------------- */

static void usage(void) {
  printf("usage: edgesim_bench [options] SCENARIO.json\n"
         "       edgesim_bench --sizes [options] [SCENARIO.json]  (default %s)\n\n"
         "  --policy P     a dispatch.policy name, or all (default: the scenario's;\n"
         "                 with --sizes: all)\n"
         "  --seed N       seed (default: the scenario's)\n"
         "  --set P=V      scenario override, as in edgesim; repeatable\n"
         "  --reps R       keep the fastest of R runs (default 1)\n"
         "  --requests N   --sizes: requests per run, Poisson workloads (default 2e6)\n"
         "  --scan         load_aware by the reference O(D) scan, for comparison\n"
         "  --weak         --sizes: every device keeps its C and slots and the\n"
         "                 arrival rate scales with the devices (the same load per\n"
         "                 device at every size; Poisson workloads)\n",
         DEFAULT_SCENARIO);
}

static void parse(int argc, char **argv, opts *o) {
  *o = (opts){.reps = 1, .requests = 2e6};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int takes = !strcmp(a, "--policy") || !strcmp(a, "--seed") || !strcmp(a, "--set") ||
                !strcmp(a, "--reps") || !strcmp(a, "--requests");
    if (takes && !v)
      die("option needs a value (see --help)");
    if (!strcmp(a, "--help"))
      usage(), exit(0);
    else if (!strcmp(a, "--sizes"))
      o->sizes = 1;
    else if (!strcmp(a, "--scan"))
      o->scan = 1;
    else if (!strcmp(a, "--weak"))
      o->weak = 1;
    else if (!strcmp(a, "--policy"))
      o->policy = v, i++;
    else if (!strcmp(a, "--seed"))
      o->seed = strtoull(v, NULL, 10), o->has_seed = 1, i++;
    else if (!strcmp(a, "--reps"))
      o->reps = atoi(v) > 0 ? atoi(v) : 1, i++;
    else if (!strcmp(a, "--requests"))
      o->requests = strtod(v, NULL) > 0 ? strtod(v, NULL) : 2e6, i++;
    else if (!strcmp(a, "--set")) {
      if (o->nsets == MAX_SETS)
        die("too many --set");
      o->sets[o->nsets++] = v, i++;
    } else if (a[0] == '-')
      die("unknown option (see --help)");
    else
      o->scenario = a;
  }
  if (!o->scenario && o->sizes)
    o->scenario = DEFAULT_SCENARIO;
  if (!o->scenario)
    die("missing SCENARIO.json (see --help)");
}

int main(int argc, char **argv) {
  opts o;
  parse(argc, argv, &o);
  if (o.sizes)
    sizes(&o);
  else
    throughput(&o);
  return 0;
}
