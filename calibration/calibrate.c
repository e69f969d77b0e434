/* calibrate.c: option parsing, orchestration, report and profile writing. */
#include "calibrate.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "device.h"
#include "estimate.h"
#include "jsonfile.h"
#include "ofile.h"
#include "probe.h"
#include "project.h"
#include "published.h"

#define MAX_LM 16
#define MAX_DEV 16
#define VERSION "edgesim-calibrate 0.2.0"
#define MIN_PAIRS 11   /* decode pairs before the precision is first checked */
#define MIN_PREFILLS 6 /* prefill pairs: the fewest with a 95% median interval */
#define BATCH_ROUNDS 3 /* rounds of B = 1, 2, 4, 8, 16 for the batch curve */
#define BODY_BYTES 5e8 /* default layers: enough for this many weight bytes */

static const char *default_lms[] = {"qwen2.5-0.5b", "qwen2.5-1.5b", "qwen2.5-3b", "qwen2.5-7b"};

typedef struct {
  const char *lm[MAX_LM];
  int nlm;
  qt_type quant;
  int threads;       /* "all cores" thread count */
  int layers;        /* 0: auto (all, or enough for BODY_BYTES of weights) */
  int tokens;        /* decode tokens per decode run */
  int pairs;         /* most decode pairs per shape */
  double precision;  /* target relative half-width of every 95% interval */
  double noise;      /* > 0: the fake noisy probe (tests) */
  int prompt;        /* prompt tokens (48: the paper's GSM8K average) */
  int output_tokens; /* 249: the paper's GSM8K average */
  int quick;
  int wall;           /* 1: wall-clock time; 0: process CPU time / threads */
  const char *out;    /* NULL: the user folder (user_dir), or the shipped one */
  int update_shipped; /* 1: write <root>/models/profiles (on purpose only) */
} options;

typedef struct { /* one LM measured on the host */
  lm_shape shape;
  double quality; /* < 0: none published */
  int layers_run;
  double bytes;                     /* decode bytes per token, whole model */
  double dec_flops;                 /* decode FLOPs per token after the prompt */
  estimate eff_dec;                 /* per pair: decode tokens/s over the host roofline beside it */
  estimate eff_pre;                 /* per pair: prefill FLOP/s over the batched peak beside it */
  estimate dec_tps;                 /* 1-thread decode tokens/s */
  estimate pre_tps;                 /* 1-thread prefill tokens/s */
  estimate bw;                      /* bytes/s: the better of triad and read-only, per pair */
  estimate mv_peak;                 /* FLOP/s, matvec on cache-resident weights */
  estimate bt_peak;                 /* FLOP/s, batched matmul (prompt rows) */
  double batch_s[BENCH_BATCHES];    /* median seconds of one batched step */
  double batch_a, batch_b;          /* least squares step(B) = a + b B, host seconds */
  double host_ratio[BENCH_BATCHES]; /* measured B step(1) / step(B) */
  double eff_batch;                 /* per-row compute of batched decode over the batched peak */
  double all_tps, all_bw;           /* all threads: decode tokens/s, triad bytes/s (wall) */
  int all_threads;
  double eff_bw, eff_compute; /* the medians, capped at 1 */
} lm_run;

typedef struct {
  char cpu[128];
  const char *simd;
  double load[2]; /* 1-minute load average before and after measuring; -1 unknown */
} host;

static const char *usage =
    "usage: edgesim-calibrate [--lm NAME]... [--quant q8_0|q4_0] [--threads N]\n"
    "                         [--layers N] [--tokens N] [--pairs N] [--precision P]\n"
    "                         [--out DIR | --update-shipped] [--wall] [--quick] [--help]\n"
    "  --lm NAME     LM shape models/lm/NAME.json (repeatable; default the four Qwen2.5 shapes)\n"
    "  --quant Q     weight format, q4_0 (default, like the 4-bit published runs) or q8_0\n"
    "  --threads N   'all cores' thread count for an extra decode point (default: online\n"
    "                CPUs; 1: none); the projection uses 1 thread\n"
    "  --layers N    build and time only N layers per shape, scale times per layer (default:\n"
    "                all, or enough layers for 500 MB of weights)\n"
    "  --tokens N    decode tokens per decode run (default 4, --quick 2)\n"
    "  --pairs N     most decode/probe pairs per shape (default 41)\n"
    "  --precision P target: every 95% interval within +-P of its median (default 0.03,\n"
    "                --quick 0.25);\n"
    "                a run that misses it exits 3 and writes nothing\n"
    "  --out DIR     where profiles are written (default: the user folder\n"
    "                $XDG_DATA_HOME/edgesim/models/profiles, else\n"
    "                ~/.local/share/edgesim/models/profiles)\n"
    "  --update-shipped  write the shipped models/profiles instead: a full run only, and\n"
    "                refused when the run's own precision check fails\n"
    "  --wall        time 1-thread runs by the wall clock too (default: CPU time)\n"
    "  --quick       2 layers, 2 tokens, small probes: a smoke run, not a calibration\n"
    "  --fake-noise S  tests only: multiply every probe by 1 + S u, u uniform in [-1, 1]\n"
    "  --tsv DIR     measure nothing: print the profiles in DIR as TSV (device, lm,\n"
    "                weights_gb, tgs, ttft_s, fits, energy_wh_per_query), for plots\n";

/* ------------------------------------------------------------- options */

static int int_arg(const char *s, int lo, int hi, int *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || end == s || v < lo || v > hi)
    return -1;
  *out = (int)v;
  return 0;
}

static int num_arg(const char *s, double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || end == s || !(v >= lo && v <= hi))
    return -1;
  *out = v;
  return 0;
}

static int parse(int argc, char **argv, options *o, FILE *err) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  *o = (options){.quant = QT_Q4_0,
                 .threads = ncpu > 0 ? (int)ncpu : 1,
                 .pairs = 41,
                 .prompt = 48,
                 .output_tokens = 249};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = 0, takes = 1;
    static const char *valued[] = {"--lm",    "--quant",     "--threads",    "--layers", "--tokens",
                                   "--pairs", "--precision", "--fake-noise", "--out"};
    int known = 0;
    for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
      known |= !strcmp(a, valued[k]);
    if (!strcmp(a, "--help") || !strcmp(a, "-h"))
      return 1;
    else if (!strcmp(a, "--quick")) {
      o->quick = 1;
      takes = 0;
    } else if (!strcmp(a, "--wall")) {
      o->wall = 1;
      takes = 0;
    } else if (!strcmp(a, "--update-shipped")) {
      o->update_shipped = 1;
      takes = 0;
    } else if (known && !v) {
      fprintf(err, "edgesim-calibrate: %s: missing value (see --help)\n", a);
      return 2;
    } else if (!strcmp(a, "--lm")) {
      if (o->nlm == MAX_LM)
        bad = 1;
      else
        o->lm[o->nlm++] = v;
    } else if (!strcmp(a, "--quant"))
      bad = qt_parse(v, &o->quant);
    else if (!strcmp(a, "--threads"))
      bad = int_arg(v, 1, 256, &o->threads);
    else if (!strcmp(a, "--layers"))
      bad = int_arg(v, 1, 1000, &o->layers);
    else if (!strcmp(a, "--tokens"))
      bad = int_arg(v, 1, 100000, &o->tokens);
    else if (!strcmp(a, "--pairs"))
      bad = int_arg(v, MIN_PAIRS, 10000, &o->pairs);
    else if (!strcmp(a, "--precision"))
      bad = num_arg(v, 1e-4, 1.0, &o->precision);
    else if (!strcmp(a, "--fake-noise"))
      bad = num_arg(v, 0.0, 0.9, &o->noise);
    else if (!strcmp(a, "--out"))
      o->out = v;
    else {
      fprintf(err, "edgesim-calibrate: unknown option '%s' (see --help)\n", a);
      return 2;
    }
    if (bad) {
      fprintf(err, "edgesim-calibrate: %s: bad value '%s' (see --help)\n", a, v);
      return 2;
    }
    i += takes;
  }
  if (o->update_shipped && o->out) {
    fprintf(err, "edgesim-calibrate: --update-shipped and --out exclude each other\n");
    return 2;
  }
  if (o->update_shipped && (o->nlm || o->layers || o->quick || o->quant != QT_Q4_0)) {
    /* the shipped profiles hold every default shape at q4_0, all layers */
    fprintf(err, "edgesim-calibrate: --update-shipped needs a full run: not with --lm, --layers, "
                 "--quick or --quant q8_0\n");
    return 2;
  }
  if (o->nlm == 0) {
    for (int i = 0; i < 4; i++)
      o->lm[i] = default_lms[i];
    o->nlm = 4;
  }
  if (o->quick && o->layers == 0)
    o->layers = 2;
  if (o->tokens == 0)
    o->tokens = o->quick ? 2 : 4;
  if (o->precision == 0) /* a smoke run checks the pipeline, not the host */
    o->precision = o->quick ? 0.25 : 0.03;
  return 0;
}

/* ---------------------------------------------------------------- host */

static void cpu_name(char *out, size_t n) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[256];
  snprintf(out, n, "unknown");
  while (f && fgets(line, sizeof line, f)) {
    char *c = strchr(line, ':');
    if (!strncmp(line, "model name", 10) && c) {
      c += 1 + strspn(c + 1, " \t");
      c[strcspn(c, "\n")] = '\0';
      snprintf(out, n, "%s", c);
      break;
    }
  }
  if (f)
    fclose(f);
}

static double loadavg(void) {
  FILE *f = fopen("/proc/loadavg", "r");
  double l = -1.0;
  if (f) {
    if (fscanf(f, "%lf", &l) != 1)
      l = -1.0;
    fclose(f);
  }
  return l;
}

/* ------------------------------------------------------------ measuring */

static double min1(double x) { return x < 1.0 ? x : 1.0; }

/* '!' after a fraction above 1 (a denominator measured too low), and counts it */
static char over(double frac, int *flags) {
  if (frac <= 1.005)
    return ' '; /* printed as 100% */
  ++*flags;
  return '!';
}

/* The probes every shape is compared against, set up once per run. */
typedef struct {
  es_pool *pool; /* one thread */
  mm_ctx c;
  probe_arrays *arrays;
  probe_mm *mv, *bt; /* one activation row; `prompt` rows */
  unsigned long long noise_state;
  double noise;
} probes;

static double noisy(probes *P, double x) {
  return P->noise > 0 ? x * (1.0 + P->noise * est_noise(&P->noise_state)) : x;
}

static int layers_for(const options *o, const lm_shape *s) {
  if (o->layers)
    return o->layers;
  double per = shape_decode_bytes(s, o->quant) / s->n_layers;
  int n = (int)ceil(BODY_BYTES / per);
  return n < s->n_layers ? n : s->n_layers;
}

/* Least squares step(B) = a + b B over B >= 2 (B = 1 runs decode's
 * four-row matvec path, B >= 2 the batched one); b >= 0, a > 0 (a weight
 * pass of ~0 s when the rows' compute hides it: then no KV time is taken out
 * of b, which keeps eff_batch on the low side). */
static void fit_line(const double *t, double *a, double *b) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0, n = BENCH_BATCHES - 1;
  for (int i = 1; i < BENCH_BATCHES; i++) {
    double x = bench_batch[i];
    sx += x;
    sy += t[i];
    sxx += x * x;
    sxy += x * t[i];
  }
  *b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  if (*b < 0)
    *b = 0;
  *a = (sy - *b * sx) / n;
  if (*a < 1e-9)
    *a = 1e-9;
}

/* Decode pairs (bandwidth probe, matvec probe, a short decode run) and
 * prefill pairs (batched peak, one prefill), interleaved, until every ratio's
 * 95% interval is within the precision or the pairs run out. */
static void measure_pairs(const options *o, probes *P, bench_model *bm, lm_run *r) {
  int maxp = o->pairs, np = 0, nf = 0, cpu = !o->wall, pre_done = 0;
  double *v = malloc(sizeof(double) * (size_t)maxp * 12);
  double *ed = v, *dt = v + maxp, *bw = v + 2 * maxp, *mv = v + 3 * maxp;
  double *ep = v + 4 * maxp, *pt = v + 5 * maxp, *bt = v + 6 * maxp, *tmp = v + 7 * maxp;
  double run_s = o->quick ? 0.002 : 0.1, probe_s = o->quick ? 0.001 : 0.01;
  double pflops = shape_prefill_flops(&r->shape, o->prompt);
  bench_prefill(bm, &P->c, cpu); /* warm-up; fills the prompt's KV */
  for (; np < maxp; np++) {
    probe_bw b = probe_bw_run(P->pool, P->arrays, 1, cpu);
    bw[np] = noisy(P, b.triad_bps > b.read_bps ? b.triad_bps : b.read_bps);
    mv[np] = noisy(P, probe_mm_run(P->mv, &P->c, probe_s, cpu));
    dt[np] = bench_decode(bm, &P->c, cpu, run_s);
    ed[np] = dt[np] / fmin(bw[np] / r->bytes, mv[np] / r->dec_flops);
    if (!pre_done && (np % 2 == 0 || nf < MIN_PREFILLS)) { /* prefill is the long run */
      bt[nf] = noisy(P, probe_mm_run(P->bt, &P->c, probe_s, cpu));
      pt[nf] = bench_prefill(bm, &P->c, cpu);
      ep[nf] = pt[nf] * pflops / o->prompt / bt[nf];
      nf++;
      if (nf >= MIN_PREFILLS) {
        memcpy(tmp, ep, sizeof(double) * (size_t)nf);
        est_of(tmp, nf, &r->eff_pre);
        pre_done = r->eff_pre.rel <= o->precision;
      }
    }
    if (np + 1 >= MIN_PAIRS && nf >= MIN_PREFILLS) {
      memcpy(tmp, ed, sizeof(double) * (size_t)(np + 1));
      est_of(tmp, np + 1, &r->eff_dec);
      if (r->eff_dec.rel <= o->precision && pre_done) {
        np++;
        break;
      }
    }
  }
  if (np > maxp)
    np = maxp;
  est_of(ed, np, &r->eff_dec);
  est_of(dt, np, &r->dec_tps);
  est_of(bw, np, &r->bw);
  est_of(mv, np, &r->mv_peak);
  est_of(ep, nf, &r->eff_pre);
  est_of(pt, nf, &r->pre_tps);
  est_of(bt, nf, &r->bt_peak);
  free(v);
}

/* The batch curve: BATCH_ROUNDS rounds of one step at each B, the median
 * per B, a line through them, and the per-row compute efficiency it implies
 * once the rows' KV-cache reads (at the run's own streaming rate) are
 * taken out. */
static void measure_batch(const options *o, probes *P, bench_model *bm, lm_run *r) {
  double t[BATCH_ROUNDS], host_kv = shape_kv_bytes(&r->shape, bm->ctx, sizeof(float));
  for (int i = 0; i < BENCH_BATCHES; i++)
    r->batch_s[i] = 0;
  double all[BENCH_BATCHES][BATCH_ROUNDS];
  for (int k = 0; k < BATCH_ROUNDS; k++)
    for (int i = 0; i < BENCH_BATCHES; i++)
      all[i][k] = bench_batch_step(bm, &P->c, !o->wall, bench_batch[i]);
  for (int i = 0; i < BENCH_BATCHES; i++) {
    estimate e;
    memcpy(t, all[i], sizeof t);
    est_of(t, BATCH_ROUNDS, &e);
    r->batch_s[i] = e.med;
  }
  for (int i = 0; i < BENCH_BATCHES; i++)
    r->host_ratio[i] = bench_batch[i] * r->batch_s[0] / r->batch_s[i];
  fit_line(r->batch_s, &r->batch_a, &r->batch_b);
  double stream = r->bytes / r->batch_a; /* bytes/s of the weight pass */
  double compute = r->batch_b - host_kv / stream;
  double flops = shape_decode_flops(&r->shape, bm->ctx + 1);
  r->eff_batch = compute > 0 ? min1(flops / compute / r->bt_peak.med) : 1.0;
}

/* Informational: decode and triad at all threads, wall clock, best of 3. */
static void measure_all_threads(const options *o, probes *P, bench_model *bm, lm_run *r) {
  es_pool *pool = pool_new(o->threads);
  if (!pool)
    return;
  mm_ctx c = {pool, dot_detect()};
  r->all_threads = pool_threads(pool);
  r->all_bw = probe_bw_run(pool, P->arrays, 2, 0).triad_bps;
  for (int k = 0; k < 3; k++) {
    double tps = bench_decode(bm, &c, 0, o->quick ? 0.002 : 0.05);
    r->all_tps = tps > r->all_tps ? tps : r->all_tps;
  }
  pool_free(pool);
}

static int measure_lm(const options *o, probes *P, lm_run *r, FILE *out, FILE *err) {
  int layers = layers_for(o, &r->shape);
  fprintf(out, "measuring %s (%s, %d of %d layers)...\n", r->shape.name, qt_name(o->quant), layers,
          r->shape.n_layers);
  fflush(out);
  bench_model bm;
  int ctx = o->prompt + o->output_tokens / 2; /* a mid-answer context for the batch curve */
  if (bench_open(&bm, &r->shape, o->quant, layers, o->prompt, o->tokens, ctx)) {
    fprintf(err, "edgesim-calibrate: %s: out of memory building the model (try --layers)\n",
            r->shape.name);
    return -1;
  }
  r->layers_run = bm.layers_run;
  r->bytes = shape_decode_bytes(&r->shape, o->quant);
  r->dec_flops = shape_decode_flops(&r->shape, o->prompt + 1);
  measure_pairs(o, P, &bm, r);
  measure_batch(o, P, &bm, r);
  if (o->threads > 1)
    measure_all_threads(o, P, &bm, r);
  bench_close(&bm);
  /* The projection carries the fraction of the host's roofline that decode
   * attains to the device's roofline: decode over min(memory roof, compute
   * roof of decode's own matvec), each pair's probes taken right beside its
   * decode run so that both see the same contention. The cap only guards
   * against a noisy probe, and the report flags it. Prefill is batched and
   * is compared with the batched peak. */
  r->eff_bw = min1(r->eff_dec.med);
  r->eff_compute = min1(r->eff_pre.med);
  return 0;
}

static int load_lm(const char *root, const char *name, lm_run *r, FILE *err) {
  char path[4096], msg[512];
  snprintf(path, sizeof path, "%s/models/lm/%s.json", root, name);
  if (shape_load(path, &r->shape, msg, sizeof msg)) {
    fprintf(err, "edgesim-calibrate: --lm %s: %s\n", name, msg);
    return -1;
  }
  cJSON *o = jf_load(path, msg, sizeof msg);
  const cJSON *q = cJSON_GetObjectItemCaseSensitive(o, "quality_gsm8k");
  r->quality = cJSON_IsNumber(q) ? q->valuedouble : -1.0;
  cJSON_Delete(o);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const es_device *)a)->name, ((const es_device *)b)->name);
}

static int load_devices(const char *root, es_device *dev, int *n, FILE *err) {
  char dir[4096], path[4600], msg[512];
  snprintf(dir, sizeof dir, "%s/models/devices", root);
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(err, "edgesim-calibrate: %s: cannot open directory\n", dir);
    return -1;
  }
  struct dirent *e;
  int rc = 0;
  *n = 0;
  while (!rc && (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".json") || e->d_name[0] == '.')
      continue;
    if (*n == MAX_DEV)
      break;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (device_load(path, &dev[*n], msg, sizeof msg)) {
      fprintf(err, "edgesim-calibrate: %s\n", msg);
      rc = -1;
    } else
      (*n)++;
  }
  closedir(d);
  qsort(dev, (size_t)*n, sizeof *dev, by_name);
  return rc;
}

/* --------------------------------------------------------------- report */

/* which: 0 the medians, -1 the interval's slow end, +1 its fast end */
static void proj_inputs(const options *o, const lm_run *r, int prompt, int which, proj_in *in) {
  const lm_shape *s = &r->shape;
  double ed = which < 0 ? r->eff_dec.lo : which > 0 ? r->eff_dec.hi : r->eff_dec.med;
  double ep = which < 0 ? r->eff_pre.lo : which > 0 ? r->eff_pre.hi : r->eff_pre.med;
  int ctx = o->prompt + o->output_tokens / 2;
  *in = (proj_in){.decode_bytes = r->bytes,
                  .resident_bytes = shape_resident_bytes(s, o->quant),
                  .prefill_flops = shape_prefill_flops(s, prompt),
                  .prompt = prompt,
                  .decode_flops = shape_decode_flops(s, ctx + 1),
                  .kv_bytes_per_token = shape_kv_bytes(s, 1, 2),
                  .kv_ctx_bytes = shape_kv_bytes(s, ctx, 2),
                  .eff_bw = min1(ed),
                  .eff_compute = min1(ep),
                  .eff_batch = r->eff_batch,
                  .output_tokens = o->output_tokens};
}

/* A projection with its spread: the medians, and the ends of the 95%
 * intervals of both efficiencies (TGS depends on eff_decode only; TTFT on
 * both, the slow end taking both slow ends). */
static void project3(const options *o, const es_device *d, double bw, const lm_run *r, int prompt,
                     proj_out p[3]) {
  for (int k = 0; k < 3; k++) {
    proj_in in;
    proj_inputs(o, r, prompt, k - 1, &in);
    project(d, bw, &in, &p[k]);
  }
}

static double pct(double lo, double hi, double mid) { return 100.0 * (hi - lo) / 2.0 / mid; }

static void print_host(const options *o, const host *h, const lm_run *runs, int nlm, FILE *out) {
  fprintf(out, "\nhost: %s, %ld online CPUs, kernel SIMD %s, weights %s, timed by %s\n", h->cpu,
          sysconf(_SC_NPROCESSORS_ONLN), h->simd, qt_name(o->quant),
          o->wall ? "wall clock" : "CPU time at 1 thread, wall clock at more");
  fprintf(out, "1 thread; each ratio is a median over pairs (a probe beside a short run), [95%% "
               "interval]:\n");
  fprintf(out, "%-13s %7s %5s %9s %7s %8s %8s %-24s %9s %-24s\n", "lm", "layers", "pairs",
          "decode/s", "GB/s", "probeGB/s", "GFLOP/s", "eff_decode", "prefill/s", "eff_compute");
  int flags = 0;
  for (int i = 0; i < nlm; i++) {
    const lm_run *r = &runs[i];
    char layers[32], ed[64], ep[64];
    snprintf(layers, sizeof layers, "%d/%d%s", r->layers_run, r->shape.n_layers,
             r->layers_run < r->shape.n_layers ? "*" : "");
    snprintf(ed, sizeof ed, "%.3f%c [%.3f, %.3f]", r->eff_dec.med, over(r->eff_dec.med, &flags),
             r->eff_dec.lo, r->eff_dec.hi);
    snprintf(ep, sizeof ep, "%.3f%c [%.3f, %.3f]", r->eff_pre.med, over(r->eff_pre.med, &flags),
             r->eff_pre.lo, r->eff_pre.hi);
    fprintf(out, "%-13s %7s %5d %9.2f %7.1f %8.1f %8.1f %-24s %9.1f %-24s\n", r->shape.name, layers,
            r->eff_dec.n, r->dec_tps.med, r->bytes * r->dec_tps.med / 1e9, r->bw.med / 1e9,
            r->mv_peak.med / 1e9, ed, r->pre_tps.med, ep);
  }
  fprintf(out,
          "\nbatched decode on the host (1 thread, context %d, KV cache read), step(B) = a + "
          "b B:\n",
          o->prompt + o->output_tokens / 2);
  fprintf(out, "%-13s %9s %9s  %-40s %9s\n", "lm", "a ms", "b ms", "A(B)/A(1) at B = 1/2/4/8/16",
          "eff_batch");
  for (int i = 0; i < nlm; i++) {
    const lm_run *r = &runs[i];
    fprintf(out, "%-13s %9.2f %9.2f  %6.2f %6.2f %6.2f %6.2f %6.2f        %9.3f\n", r->shape.name,
            1e3 * r->batch_a, 1e3 * r->batch_b, r->host_ratio[0], r->host_ratio[1],
            r->host_ratio[2], r->host_ratio[3], r->host_ratio[4], r->eff_batch);
  }
  int any_all = 0;
  for (int i = 0; i < nlm; i++)
    any_all |= runs[i].all_threads > 1;
  if (any_all) {
    fprintf(out, "\nall threads (wall clock, best of 3; not used by the projection):\n");
    for (int i = 0; i < nlm; i++) {
      const lm_run *r = &runs[i];
      if (r->all_threads > 1)
        fprintf(out,
                "%-13s %d threads: decode %.2f tok/s = %.1f GB/s, %.0f%% of a %.1f GB/s triad\n",
                r->shape.name, r->all_threads, r->all_tps, r->bytes * r->all_tps / 1e9,
                100 * r->bytes * r->all_tps / r->all_bw, r->all_bw / 1e9);
    }
  }
  if (flags)
    fprintf(out, "! above 100%%: the kernel did more than the probe beside it measured, so that "
                 "denominator is unreliable; the projection caps such efficiencies at 1\n");
  if (h->load[0] >= 0)
    fprintf(out, "load average (1 min) %.2f before measuring, %.2f after\n", h->load[0],
            h->load[1]);
  for (int i = 0; i < nlm; i++)
    if (runs[i].layers_run < runs[i].shape.n_layers) {
      fprintf(out, "* measured on a subset of layers; times scaled per layer "
                   "(t = t_head + t_layers * total/run)\n");
      break;
    }
}

static void print_projections(const options *o, const es_device *dev, int ndev, const lm_run *runs,
                              int nlm, FILE *out) {
  fprintf(out, "\nprojections (prompt %d, output %d tokens, %s; +- = half the 95%% interval):\n",
          o->prompt, o->output_tokens, qt_name(o->quant));
  fprintf(out, "%-10s %-13s %9s %6s %8s %6s %10s %5s %8s %9s  %s\n", "profile", "lm", "TGS tok/s",
          "+-", "TTFT s", "+-", "prefill/s", "fits", "need GiB", "Wh/query",
          "A(B)/A(1) B = 2/4/8/16");
  for (int d = 0; d < ndev; d++)
    for (int i = 0; i < nlm; i++) {
      proj_out p[3];
      project3(o, &dev[d], 0, &runs[i], o->prompt, p);
      fprintf(out,
              "%-10s %-13s %9.1f %5.1f%% %8.4f %5.1f%% %10.0f %5s %8.2f %9.4f  %.2f %.2f %.2f "
              "%.2f\n",
              dev[d].name, runs[i].shape.name, p[1].tgs, pct(p[0].tgs, p[2].tgs, p[1].tgs),
              p[1].ttft_s, pct(p[2].ttft_s, p[0].ttft_s, p[1].ttft_s), p[1].prefill_tps,
              p[1].fits ? "yes" : "OOM", p[1].need_gib, p[1].energy_wh, p[1].batch_ratio[1],
              p[1].batch_ratio[2], p[1].batch_ratio[3], p[1].batch_ratio[4]);
    }
}

static void print_published(const options *o, const es_device *dev, int ndev, const lm_run *runs,
                            int nlm, FILE *out) {
  static const char *kinds[] = {"decode tok/s", "TTFT s", "Wh/query", "A(8)/A(1)"};
  int header = 0;
  for (int j = 0; j < pub_nrows; j++) {
    const pub_row *row = &pub_rows[j];
    const es_device *d = NULL;
    const lm_run *r = NULL;
    for (int k = 0; k < ndev; k++)
      if (!strcmp(dev[k].name, row->profile))
        d = &dev[k];
    for (int k = 0; k < nlm; k++)
      if (!strcmp(runs[k].shape.name, row->lm))
        r = &runs[k];
    if (!d || !r)
      continue;
    if (!header++)
      fprintf(out,
              "\nagainst published measurements (docs/references.md sec. 3 and 8; 4-bit weights; "
              "batch 1 except A(8)/A(1)):\n%-12s %-19s %-30s %-12s %6s %9s %9s %7s %7s\n",
              "quantity", "device", "published model/stack", "shape", "prompt", "published",
              "projected", "+-", "error");
    proj_out p[3];
    project3(o, d, row->bandwidth_gbs, r, row->prompt ? row->prompt : o->prompt, p);
    double v[3];
    for (int k = 0; k < 3; k++)
      v[k] = row->kind == PUB_DECODE   ? p[k].tgs
             : row->kind == PUB_TTFT   ? p[k].ttft_s
             : row->kind == PUB_ENERGY ? p[k].energy_wh
                                       : p[k].batch_ratio[3];
    fprintf(out, "%-12s %-19s %-30s %-12s %6d %9.4g %9.4g %6.1f%% %+6.0f%%\n", kinds[row->kind],
            row->device, row->published, row->lm, row->prompt, row->value, v[1],
            pct(fmin(v[0], v[2]), fmax(v[0], v[2]), v[1]), 100 * (v[1] - row->value) / row->value);
  }
  if (header && o->quant != QT_Q4_0)
    fprintf(out, "note: projections use %s weights; the published runs used 4-bit weights\n",
            qt_name(o->quant));
}

/* -------------------------------------------------------------- profile */

static double r4(double x) { /* 4 significant digits */
  char buf[32];
  snprintf(buf, sizeof buf, "%.4g", x);
  return strtod(buf, NULL);
}

static void add_num(cJSON *o, const char *k, double v) { cJSON_AddNumberToObject(o, k, r4(v)); }

static cJSON *batch_obj(const double *v) {
  cJSON *o = cJSON_CreateObject();
  for (int i = 0; i < BENCH_BATCHES; i++) {
    char k[8];
    snprintf(k, sizeof k, "%d", bench_batch[i]);
    add_num(o, k, v[i]);
  }
  return o;
}

static cJSON *est_obj(const estimate *e, double scale) {
  cJSON *o = cJSON_CreateObject();
  add_num(o, "median", e->med * scale);
  cJSON *ci = cJSON_AddArrayToObject(o, "ci95");
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(r4(e->lo * scale)));
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(r4(e->hi * scale)));
  cJSON_AddNumberToObject(o, "n", e->n);
  return o;
}

static cJSON *host_json(const options *o, const host *h, const lm_run *runs, int nlm) {
  cJSON *j = cJSON_CreateObject(), *lms = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "cpu", h->cpu);
  cJSON_AddNumberToObject(j, "online_cpus", (double)sysconf(_SC_NPROCESSORS_ONLN));
  cJSON_AddStringToObject(j, "simd", h->simd);
  cJSON_AddStringToObject(j, "quant", qt_name(o->quant));
  cJSON_AddStringToObject(j, "clock", o->wall ? "wall" : "CPU time at 1 thread");
  add_num(j, "precision_target", o->precision);
  cJSON *la = cJSON_AddArrayToObject(j, "loadavg_1min_before_after");
  for (int k = 0; k < 2; k++)
    cJSON_AddItemToArray(la, cJSON_CreateNumber(h->load[k]));
  for (int i = 0; i < nlm; i++) {
    const lm_run *r = &runs[i];
    cJSON *l = cJSON_AddObjectToObject(lms, r->shape.name);
    cJSON_AddNumberToObject(l, "layers_run", r->layers_run);
    cJSON_AddNumberToObject(l, "layers_total", r->shape.n_layers);
    cJSON_AddBoolToObject(l, "scaled_per_layer", r->layers_run < r->shape.n_layers);
    cJSON_AddNumberToObject(l, "prompt_tokens", o->prompt);
    cJSON_AddItemToObject(l, "efficiency_decode", est_obj(&r->eff_dec, 1));
    cJSON_AddItemToObject(l, "efficiency_compute", est_obj(&r->eff_pre, 1));
    cJSON_AddItemToObject(l, "decode_tps", est_obj(&r->dec_tps, 1));
    cJSON_AddItemToObject(l, "prefill_tps", est_obj(&r->pre_tps, 1));
    cJSON_AddItemToObject(l, "bandwidth_gbs", est_obj(&r->bw, 1e-9));
    cJSON_AddItemToObject(l, "matvec_peak_gflops", est_obj(&r->mv_peak, 1e-9));
    cJSON_AddItemToObject(l, "batched_peak_gflops", est_obj(&r->bt_peak, 1e-9));
    cJSON_AddItemToObject(l, "batch_step_s", batch_obj(r->batch_s));
    cJSON_AddItemToObject(l, "batch_ratio_measured", batch_obj(r->host_ratio));
    add_num(l, "efficiency_batch_row", r->eff_batch);
    if (r->all_threads > 1) {
      char t[16];
      snprintf(t, sizeof t, "%d", r->all_threads);
      cJSON *a = cJSON_AddObjectToObject(l, "all_threads");
      cJSON_AddNumberToObject(a, "threads", r->all_threads);
      add_num(a, "decode_tps", r->all_tps);
      add_num(a, "triad_gbs", r->all_bw / 1e9);
    }
  }
  cJSON_AddItemToObject(j, "lm", lms);
  return j;
}

static cJSON *lm_json(const options *o, const es_device *d, const lm_run *r) {
  proj_out p[3];
  project3(o, d, 0, r, o->prompt, p);
  proj_in in;
  proj_inputs(o, r, o->prompt, 0, &in);
  cJSON *l = cJSON_CreateObject();
  add_num(l, "tgs", p[1].tgs);
  add_num(l, "ttft_s", p[1].ttft_s);
  cJSON_AddBoolToObject(l, "fits", p[1].fits);
  add_num(l, "energy_wh_per_query", p[1].energy_wh);
  add_num(l, "bytes_per_token", in.decode_bytes);
  add_num(l, "resident_gib", in.resident_bytes / 1073741824.0);
  add_num(l, "memory_needed_gib", p[1].need_gib);
  add_num(l, "prefill_flops", in.prefill_flops);
  add_num(l, "efficiency_decode", in.eff_bw);
  add_num(l, "efficiency_compute", in.eff_compute);
  cJSON_AddItemToObject(l, "decode_tps_batch", batch_obj(p[1].batch_tps));
  if (r->quality >= 0)
    add_num(l, "quality", r->quality);
  add_num(l, "prefill_tps", p[1].prefill_tps);
  cJSON_AddItemToObject(l, "decode_batch_ratio", batch_obj(p[1].batch_ratio));
  cJSON *ci = cJSON_AddArrayToObject(l, "tgs_ci95");
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(r4(p[0].tgs)));
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(r4(p[2].tgs)));
  ci = cJSON_AddArrayToObject(l, "ttft_s_ci95");
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(r4(p[2].ttft_s)));
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(r4(p[0].ttft_s)));
  return l;
}

static const char *method[][2] = {
    {"tgs",
     "roofline: efficiency_decode x device bandwidth / bytes_per_token; efficiency_decode = the median over pairs of host decode tokens/s over the host roofline min(bandwidth / bytes, kernel matvec peak / decode FLOPs), each pair's probes run beside its decode run, 1 thread, CPU-timed; tgs_ci95 from the median's 95% interval"},
    {"ttft_s",
     "prefill_flops / (efficiency_compute x fp16_tflops_dense) + bytes_per_token / (efficiency_decode x bandwidth); efficiency_compute = the median over pairs of kernel prefill FLOP/s over its cache-resident batched matmul peak beside it, 1 thread"},
    {"prefill_tps", "prompt tokens / (prefill_flops / (efficiency_compute x fp16_tflops_dense))"},
    {"fits",
     "resident weights + fp16 KV cache for fit_context_tokens + runtime_reserve_gib <= memory_gib"},
    {"energy_wh_per_query", "power_active_w x (ttft_s + output_tokens / tgs) / 3600"},
    {"decode_batch_ratio",
     "A(B)/A(1) = B (a + b) / (a + b B): a = bytes_per_token / (efficiency_decode x bandwidth), b = one sequence's fp16 KV-cache read at context prompt + output/2 over the same bandwidth + its decode FLOPs / (efficiency_batch_row x fp16_tflops_dense); efficiency_batch_row from the kernel's own batched decode (B = 1..16, KV cache read) on the host"},
    {"decode_tps_batch", "aggregate tokens/s of B sequences: tgs x decode_batch_ratio"},
    {"quality",
     "GSM8K pass@1 from the paper, Table I (docs/references.md sec. 1), where published"},
};

static cJSON *profile_json(const options *o, const es_device *d, const host *h, const lm_run *runs,
                           int nlm, const char *stamp) {
  cJSON *j = cJSON_CreateObject();
  char gen[128];
  snprintf(gen, sizeof gen, "%s, %s", VERSION, stamp);
  cJSON_AddStringToObject(j, "profile", d->name);
  cJSON_AddStringToObject(j, "hardware", d->hardware);
  cJSON_AddStringToObject(j, "generated_by", gen);
  cJSON_AddNumberToObject(j, "power_active_w", d->power_active_w);
  cJSON_AddNumberToObject(j, "power_idle_w", d->power_idle_w);
  cJSON *lm = cJSON_AddObjectToObject(j, "lm");
  for (int i = 0; i < nlm; i++)
    cJSON_AddItemToObject(lm, runs[i].shape.name, lm_json(o, d, &runs[i]));
  cJSON *src = cJSON_Duplicate(d->sources, 1);
  for (size_t i = 0; i < sizeof method / sizeof method[0]; i++)
    cJSON_AddStringToObject(src, method[i][0], method[i][1]);
  cJSON_AddItemToObject(j, "sources", src);
  cJSON *dv = cJSON_AddObjectToObject(j, "device");
  cJSON_AddNumberToObject(dv, "memory_gib", d->memory_gib);
  cJSON_AddNumberToObject(dv, "bandwidth_gbs", d->bandwidth_gbs);
  cJSON_AddNumberToObject(dv, "int8_tops_dense", d->int8_tops);
  cJSON_AddNumberToObject(dv, "fp16_tflops_dense", d->fp16_tflops);
  cJSON_AddNumberToObject(dv, "runtime_reserve_gib", d->reserve_gib);
  cJSON_AddNumberToObject(dv, "fit_context_tokens", d->fit_context);
  cJSON *pj = cJSON_AddObjectToObject(j, "projection");
  cJSON_AddStringToObject(pj, "quant", qt_name(o->quant));
  cJSON_AddNumberToObject(pj, "prompt_tokens", o->prompt);
  cJSON_AddNumberToObject(pj, "output_tokens", o->output_tokens);
  cJSON_AddItemToObject(j, "host", host_json(o, h, runs, nlm));
  return j;
}

/* Writes DIR/NAME.json through sim/ofile.c (a temporary file renamed into
 * place): readers never see a partial profile. 0 ok, -1 with a message on
 * err. */
static int write_atomic(const char *dir, const char *name, const char *text, FILE *err) {
  char path[4096];
  ofile o;
  es_err e = {0};
  if (snprintf(path, sizeof path, "%s/%s.json", dir, name) >= (int)sizeof path)
    es_fail(&e, ES_EINPUT, "%s: path too long", dir);
  else if (!ofile_open(&o, path, &e)) {
    fputs(text, o.f); /* a failed write shows in ofile_commit (ferror, fclose) */
    fputc('\n', o.f);
    ofile_commit(&o, &e);
  }
  if (e.code)
    fprintf(err, "edgesim-calibrate: %s\n", e.msg);
  return e.code ? -1 : 0;
}

static int write_profiles(const options *o, const char *dir, const es_device *dev, int ndev,
                          const host *h, const lm_run *runs, int nlm, FILE *out, FILE *err) {
  char stamp[64];
  time_t now = time(NULL); /* a date stamp, not a random seed */
  struct tm tm;
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(err, "edgesim-calibrate: %s: cannot create directory (%s)\n", dir, strerror(errno));
    return -1;
  }
  for (int d = 0; d < ndev; d++) {
    cJSON *j = profile_json(o, &dev[d], h, runs, nlm, stamp);
    char *text = cJSON_Print(j);
    int rc = text ? write_atomic(dir, dev[d].name, text, err) : -1;
    free(text);
    cJSON_Delete(j);
    if (rc)
      return -1;
    fprintf(out, "wrote %s/%s.json\n", dir, dev[d].name);
  }
  return 0;
}

/* ----------------------------------------------------------------- main */

/* ------------------------------------------------------------- --tsv */

static int by_str(const void *a, const void *b) { return strcmp(a, b); }

/* The profile names in `dir` (its *.json files without the suffix), sorted;
 * at most MAX_DEV. Returns the count, or -1 with a message on `err`. */
static int profile_names(const char *dir, char names[][256], FILE *err) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(err, "edgesim-calibrate: %s: cannot open directory\n", dir);
    return -1;
  }
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || len > 255 || strcmp(e->d_name + len - 5, ".json") || e->d_name[0] == '.')
      continue;
    if (n == MAX_DEV) {
      fprintf(err, "edgesim-calibrate: %s: more than %d profiles\n", dir, MAX_DEV);
      closedir(d);
      return -1;
    }
    memcpy(names[n], e->d_name, len - 5);
    names[n++][len - 5] = 0;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, by_str);
  if (!n)
    fprintf(err, "edgesim-calibrate: %s: no profiles (*.json)\n", dir);
  return n ? n : -1;
}

/* One row per (profile, LM) of the profiles in `dir`, in file-name order. */
static int profiles_tsv(const char *dir, FILE *out, FILE *err) {
  char names[MAX_DEV][256];
  int n = profile_names(dir, names, err);
  if (n < 0)
    return 2;
  fputs("device\tlm\tweights_gb\ttgs\tttft_s\tfits\tenergy_wh_per_query\n", out);
  for (int k = 0; k < n; k++) {
    char path[4400], msg[512];
    snprintf(path, sizeof path, "%s/%s.json", dir, names[k]);
    cJSON *root = jf_load(path, msg, sizeof msg);
    if (!root) {
      fprintf(err, "%s\n", msg);
      return 2;
    }
    const cJSON *lm;
    cJSON_ArrayForEach(lm, cJSON_GetObjectItemCaseSensitive(root, "lm")) {
      const char *key[] = {"bytes_per_token", "tgs", "ttft_s", "energy_wh_per_query"};
      double v[4];
      for (int i = 0; i < 4; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(lm, key[i]);
        if (!cJSON_IsNumber(x)) {
          fprintf(err, "%s: lm.%s.%s: must be a number\n", path, lm->string, key[i]);
          cJSON_Delete(root);
          return 2;
        }
        v[i] = x->valuedouble;
      }
      fprintf(out, "%s\t%s\t%.4g\t%.4g\t%.4g\t%d\t%.4g\n", names[k], lm->string, v[0] / 1e9, v[1],
              v[2], cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(lm, "fits")), v[3]);
    }
    cJSON_Delete(root);
  }
  return 0;
}

/* mkdir -p; 0 ok, -1 with errno set */
static int mkdirs(char *path) {
  for (char *p = path + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      int rc = mkdir(path, 0777);
      *p = '/';
      if (rc && errno != EEXIST)
        return -1;
    }
  return mkdir(path, 0777) && errno != EEXIST ? -1 : 0;
}

/* The default output: $XDG_DATA_HOME/edgesim/models/profiles, else
 * $HOME/.local/share/edgesim/models/profiles, created if missing, so that
 * `edgesim --models <that>/..` uses it. 0 ok, -1 with a message on err. */
static int user_dir(char *dir, size_t n, FILE *err) {
  const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  if (xdg && *xdg == '/')
    snprintf(dir, n, "%s/edgesim/models/profiles", xdg);
  else if (home && *home)
    snprintf(dir, n, "%s/.local/share/edgesim/models/profiles", home);
  else {
    fprintf(err, "edgesim-calibrate: neither XDG_DATA_HOME nor HOME is set: pass --out DIR\n");
    return -1;
  }
  if (mkdirs(dir)) {
    fprintf(err, "edgesim-calibrate: %s: cannot create directory (%s)\n", dir, strerror(errno));
    return -1;
  }
  return 0;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder holding models/lm and models/devices: $EDGESIM_ROOT; else the
 * working directory when it has models/lm; else the installed data folder
 * (EDGESIM_DATA_DIR, relative to the folder of the running binary); else the
 * source tree this was built from. */
static const char *data_root(char *buf, size_t n) {
  const char *env = getenv("EDGESIM_ROOT");
  if (env && *env)
    return env;
  if (is_dir("models/lm"))
    return ".";
  char *exe = realpath("/proc/self/exe", NULL);
  const char *end = exe ? strrchr(exe, '/') : NULL;
  int found = 0;
  if (end) {
    snprintf(buf, n, "%.*s/%s", (int)(end - exe), exe, EDGESIM_DATA_DIR);
    char lm[4200];
    snprintf(lm, sizeof lm, "%s/models/lm", buf);
    found = is_dir(lm);
  }
  free(exe);
  return found ? buf : EDGESIM_SOURCE_DIR;
}

static int probes_open(const options *o, probes *P, host *h, FILE *err) {
  h->load[0] = loadavg();
  h->simd = dot_level_name(dot_detect());
  cpu_name(h->cpu, sizeof h->cpu);
  P->noise = o->noise;
  P->noise_state = 17;
  P->pool = pool_new(1);
  if (!P->pool) {
    fprintf(err, "edgesim-calibrate: cannot start threads\n");
    return -1;
  }
  P->c = (mm_ctx){P->pool, dot_detect()};
  P->arrays = probe_arrays_new(P->pool, o->quick ? 16 : 256);
  P->mv = probe_mm_new(o->quant, 1);
  P->bt = probe_mm_new(o->quant, o->prompt);
  if (!P->arrays || !P->mv || !P->bt) {
    fprintf(err, "edgesim-calibrate: out of memory setting up the probes\n");
    return -1;
  }
  return 0;
}

static void probes_close(probes *P) {
  probe_arrays_free(P->arrays);
  probe_mm_free(P->mv);
  probe_mm_free(P->bt);
  if (P->pool)
    pool_free(P->pool);
}

/* The run's own precision check: every efficiency's 95% interval within
 * +-precision of its median. 0 ok; -1 with the shapes that missed on err
 * (then no profile is written, and --update-shipped is refused). */
static int precise(const options *o, const lm_run *runs, int nlm, FILE *out, FILE *err) {
  int bad = 0;
  for (int i = 0; i < nlm; i++) {
    const lm_run *r = &runs[i];
    const estimate *e[2] = {&r->eff_dec, &r->eff_pre};
    const char *what[2] = {"efficiency_decode", "efficiency_compute"};
    for (int k = 0; k < 2; k++)
      if (e[k]->rel > o->precision) {
        fprintf(err,
                "edgesim-calibrate: %s: %s %.3f, 95%% interval [%.3f, %.3f] = +-%.1f%% over %d "
                "pairs: wider than the +-%.1f%% asked\n",
                r->shape.name, what[k], e[k]->med, e[k]->lo, e[k]->hi, 100 * e[k]->rel, e[k]->n,
                100 * o->precision);
        bad = 1;
      }
  }
  if (bad)
    fprintf(err,
            "edgesim-calibrate: precision not reached: no profiles written%s (re-run on a "
            "quieter host, or raise --pairs)\n",
            o->update_shipped ? ", --update-shipped refused" : "");
  else
    fprintf(out, "precision: every efficiency's 95%% interval within +-%.1f%% of its median\n",
            100 * o->precision);
  return bad ? -1 : 0;
}

int calibrate_main(int argc, char **argv, FILE *out, FILE *err) {
  if (argc == 3 && !strcmp(argv[1], "--tsv"))
    return profiles_tsv(argv[2], out, err);
  options o;
  int rc = parse(argc, argv, &o, err);
  if (rc == 1) {
    fputs(usage, out);
    return 0;
  }
  if (rc)
    return rc;
  char rootbuf[1024];
  const char *root = data_root(rootbuf, sizeof rootbuf);
  static lm_run runs[MAX_LM];
  static es_device dev[MAX_DEV];
  static host h;
  probes P = {0};
  int ndev = 0;
  char dir[4096]; /* where the profiles go, settled before measuring */
  memset(runs, 0, sizeof runs);
  if (o.out)
    snprintf(dir, sizeof dir, "%s", o.out);
  else if (o.update_shipped)
    snprintf(dir, sizeof dir, "%s/models/profiles", root);
  else if (user_dir(dir, sizeof dir, err))
    return 1;
  for (int i = 0; i < o.nlm; i++)
    if (load_lm(root, o.lm[i], &runs[i], err))
      return 2;
  if (load_devices(root, dev, &ndev, err))
    rc = 1;
  else if (probes_open(&o, &P, &h, err))
    rc = 1;
  for (int i = 0; !rc && i < o.nlm; i++)
    rc = measure_lm(&o, &P, &runs[i], out, err) ? 1 : 0;
  probes_close(&P);
  h.load[1] = loadavg();
  if (!rc) {
    print_host(&o, &h, runs, o.nlm, out);
    print_projections(&o, dev, ndev, runs, o.nlm, out);
    print_published(&o, dev, ndev, runs, o.nlm, out);
    fputc('\n', out);
    rc = precise(&o, runs, o.nlm, out, err) ? 3 : 0;
  }
  if (!rc) {
    rc = write_profiles(&o, dir, dev, ndev, &h, runs, o.nlm, out, err) ? 1 : 0;
    if (!rc && !o.out && !o.update_shipped)
      fprintf(out, "use them with: edgesim --models %.*s ...\n", (int)(strlen(dir) - 9), dir);
  }
  for (int d = 0; d < ndev; d++)
    device_destroy(&dev[d]);
  return rc;
}
