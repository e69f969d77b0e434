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
#include "jsonfile.h"
#include "probe.h"
#include "project.h"
#include "published.h"

#define MAX_LM 16
#define MAX_DEV 16
#define VERSION "edgesim-calibrate 0.1.0"

static const char *default_lms[] = {"qwen2.5-0.5b", "qwen2.5-1.5b", "qwen2.5-3b", "qwen2.5-7b"};

typedef struct {
  const char *lm[MAX_LM];
  int nlm;
  qt_type quant;
  int threads;       /* "all cores" thread count */
  int layers;        /* 0: all */
  int tokens;        /* decode tokens timed per point */
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
  bench_result b;
  double bytes; /* decode bytes per token, whole model */
  double frac_triad[2], frac_read[2];
  double roof_tps[2];  /* host roofline: min(triad / bytes, matvec peak / decode FLOPs) */
  double frac_roof[2]; /* decode tokens/s over roof_tps */
  double prefill_frac; /* 1-thread prefill FLOP/s over the batched peak, uncapped */
  double eff_bw, eff_compute;
} lm_run;

typedef struct { /* host probes, per bench point */
  int npoints;
  int threads[2];
  probe_bw bw[2];
  double peak_matvec[2]; /* FLOP/s of decode's one-row matvec, weights in cache */
  double peak_batch[2];  /* FLOP/s of prefill's batched matmul, weights in cache */
  char cpu[128];
  const char *simd;
  double load[2]; /* 1-minute load average before and after measuring; -1 unknown */
} host;

static const char *usage =
    "usage: edgesim-calibrate [--lm NAME]... [--quant q8_0|q4_0] [--threads N]\n"
    "                         [--layers N] [--tokens N] [--out DIR | --update-shipped]\n"
    "                         [--wall] [--quick] [--help]\n"
    "  --lm NAME     LM shape models/lm/NAME.json (repeatable; default the four Qwen2.5 shapes)\n"
    "  --quant Q     weight format, q4_0 (default, like the 4-bit published runs) or q8_0\n"
    "  --threads N   'all cores' thread count (default: online CPUs); 1 thread is always measured\n"
    "  --layers N    build and time only N layers per shape, scale times per layer (default all)\n"
    "  --tokens N    decode tokens timed per measurement (default 16, --quick 4)\n"
    "  --out DIR     where profiles are written (default: the user folder\n"
    "                $XDG_DATA_HOME/edgesim/models/profiles, else\n"
    "                ~/.local/share/edgesim/models/profiles)\n"
    "  --update-shipped  write the shipped models/profiles instead: a full run only, and\n"
    "                refused when the run's own precision check fails\n"
    "  --wall        time 1-thread runs by the wall clock too (default: CPU time)\n"
    "  --quick       2 layers, 4 tokens, small probes: a smoke run, not a calibration\n"
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

static int parse(int argc, char **argv, options *o, FILE *err) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  *o = (options){.quant = QT_Q4_0,
                 .threads = ncpu > 0 ? (int)ncpu : 1,
                 .tokens = 0,
                 .prompt = 48,
                 .output_tokens = 249};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = 0, takes = 1;
    static const char *valued[] = {"--lm", "--quant", "--threads", "--layers", "--tokens", "--out"};
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
    o->tokens = o->quick ? 4 : 16;
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

static int measure_host(const options *o, host *h, FILE *err) {
  h->load[0] = loadavg();
  h->npoints = o->threads > 1 ? 2 : 1;
  h->simd = dot_level_name(dot_detect());
  cpu_name(h->cpu, sizeof h->cpu);
  for (int k = 0; k < h->npoints; k++) {
    es_pool *pool = pool_new(k == 0 ? 1 : o->threads);
    if (!pool) {
      fprintf(err, "edgesim-calibrate: cannot start threads\n");
      return -1;
    }
    mm_ctx c = {pool, dot_detect()};
    h->threads[k] = pool_threads(pool);
    int rc = probe_bandwidth(pool, o->quick ? 64 : 256, o->quick ? 3 : 6, !o->wall, &h->bw[k]);
    double secs = o->quick ? 0.1 : 0.5;
    h->peak_matvec[k] = probe_compute(&c, o->quant, 1, secs, !o->wall);
    h->peak_batch[k] = probe_compute(&c, o->quant, o->prompt, secs, !o->wall);
    pool_free(pool);
    if (rc) {
      fprintf(err, "edgesim-calibrate: out of memory in the bandwidth probe\n");
      return -1;
    }
  }
  return 0;
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

static int measure_lm(const options *o, const host *h, lm_run *r, FILE *out, FILE *err) {
  fprintf(out, "measuring %s (%s, %d of %d layers)...\n", r->shape.name, qt_name(o->quant),
          o->layers && o->layers < r->shape.n_layers ? o->layers : r->shape.n_layers,
          r->shape.n_layers);
  fflush(out);
  if (bench_run(&r->shape, o->quant, o->layers, o->threads, o->prompt, o->tokens, !o->wall,
                &r->b)) {
    fprintf(err, "edgesim-calibrate: %s: out of memory building the model (try --layers)\n",
            r->shape.name);
    return -1;
  }
  r->bytes = shape_decode_bytes(&r->shape, o->quant);
  double flops = shape_decode_flops(&r->shape, o->prompt + 1);
  for (int k = 0; k < r->b.npoints; k++) {
    double bps = r->bytes * r->b.pt[k].decode_tps;
    r->frac_triad[k] = bps / h->bw[k].triad_bps;
    r->frac_read[k] = bps / h->bw[k].read_bps;
    r->roof_tps[k] = fmin(h->bw[k].triad_bps / r->bytes, h->peak_matvec[k] / flops);
    r->frac_roof[k] = r->b.pt[k].decode_tps / r->roof_tps[k];
  }
  /* The projection carries the fraction of the host's roofline that decode
   * attains to the device's roofline. On a host where the kernel's own
   * arithmetic is slower than memory that is not the bandwidth fraction: a
   * GPU does not share the CPU's compute limit. The compute roof is decode's
   * own matvec on cache-resident weights, so decode cannot beat it except
   * by measurement noise; the cap only guards the projection against that,
   * and the report flags it. It uses the single-thread point, timed by CPU
   * time and so repeatable on a shared host; the all-core point is
   * wall-clock. Prefill is batched and is compared with the batched peak. */
  r->eff_bw = min1(r->frac_roof[0]);
  r->prefill_frac = r->b.pt[0].prefill_flops / h->peak_batch[0];
  r->eff_compute = min1(r->prefill_frac);
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

static void proj_inputs(const options *o, const lm_run *r, int prompt, proj_in *in) {
  const lm_shape *s = &r->shape;
  *in = (proj_in){r->bytes,
                  shape_resident_bytes(s, o->quant),
                  shape_prefill_flops(s, prompt),
                  shape_decode_flops(s, prompt + 1),
                  shape_kv_bytes(s, 1, 2),
                  r->eff_bw,
                  r->eff_compute,
                  o->output_tokens};
}

static void print_host(const options *o, const host *h, const lm_run *runs, int nlm, FILE *out) {
  fprintf(out, "\nhost: %s, %ld online CPUs, kernel SIMD %s, weights %s, timed by %s\n", h->cpu,
          sysconf(_SC_NPROCESSORS_ONLN), h->simd, qt_name(o->quant),
          o->wall ? "wall clock" : "CPU time at 1 thread, wall clock at more");
  for (int k = 0; k < h->npoints; k++)
    fprintf(out,
            "  %d thread(s): bandwidth triad %.1f GB/s, read-only %.1f GB/s; kernel compute peak "
            "(cache-resident) %.1f GFLOP/s matvec, %.1f batched\n",
            h->threads[k], h->bw[k].triad_bps / 1e9, h->bw[k].read_bps / 1e9,
            h->peak_matvec[k] / 1e9, h->peak_batch[k] / 1e9);
  fprintf(out, "\n%-13s %7s %10s %3s %9s %9s %7s %8s %7s %8s %7s\n", "lm", "layers", "MB/token",
          "thr", "prefill/s", "decode/s", "GB/s", "%triad", "%read", "roof/s", "%roof");
  int flags = 0;
  for (int i = 0; i < nlm; i++) {
    const lm_run *r = &runs[i];
    for (int k = 0; k < r->b.npoints; k++) {
      const bench_point *p = &r->b.pt[k];
      char layers[32];
      snprintf(layers, sizeof layers, "%d/%d%s", r->b.layers_run, r->shape.n_layers,
               r->b.layers_run < r->shape.n_layers ? "*" : "");
      fprintf(out, "%-13s %7s %10.1f %3d %9.1f %9.2f %7.1f %6.0f%%%c %5.0f%%%c %8.2f %5.0f%%%c\n",
              r->shape.name, layers, r->bytes / 1e6, p->threads, p->prefill_tps, p->decode_tps,
              r->bytes * p->decode_tps / 1e9, 100 * r->frac_triad[k],
              over(r->frac_triad[k], &flags), 100 * r->frac_read[k], over(r->frac_read[k], &flags),
              r->roof_tps[k], 100 * r->frac_roof[k], over(r->frac_roof[k], &flags));
    }
    fprintf(out,
            "%-13s batch 1/2/4/8 (%d thr): %.1f / %.1f / %.1f / %.1f tok/s aggregate; "
            "eff_decode %.2f eff_compute %.2f%s\n",
            "", r->b.pt[r->b.npoints - 1].threads, r->b.batch_tps[0], r->b.batch_tps[1],
            r->b.batch_tps[2], r->b.batch_tps[3], r->eff_bw, r->eff_compute,
            over(r->prefill_frac, &flags) == '!' ? " (prefill above the batched peak!)" : "");
  }
  if (flags)
    fprintf(
        out,
        "! above 100%%: the kernel moved more bytes (or did more FLOPs) per second than the "
        "probe measured, so that denominator is unreliable (the probe ran at a busier moment, or "
        "measures other work); the projection caps such efficiencies at 1\n");
  if (h->load[0] >= 0)
    fprintf(
        out, "load average (1 min) %.2f before measuring, %.2f after%s\n", h->load[0], h->load[1],
        h->load[0] > 0.5 ? ": other work was running, so the multi-thread (wall-clock) rows are "
                           "not reliable"
                         : "");
  for (int i = 0; i < nlm; i++)
    if (runs[i].b.layers_run < runs[i].shape.n_layers) {
      fprintf(out, "* measured on a subset of layers; times scaled per layer "
                   "(t = t_head + t_layers * total/run)\n");
      break;
    }
}

static void print_projections(const options *o, const es_device *dev, int ndev, const lm_run *runs,
                              int nlm, FILE *out) {
  fprintf(out, "\nprojections (prompt %d, output %d tokens, %s):\n", o->prompt, o->output_tokens,
          qt_name(o->quant));
  fprintf(out, "%-10s %-13s %9s %8s %5s %9s %9s\n", "profile", "lm", "TGS tok/s", "TTFT s", "fits",
          "need GiB", "Wh/query");
  for (int d = 0; d < ndev; d++)
    for (int i = 0; i < nlm; i++) {
      proj_in in;
      proj_out p;
      proj_inputs(o, &runs[i], o->prompt, &in);
      project(&dev[d], 0, &in, &p);
      fprintf(out, "%-10s %-13s %9.1f %8.3f %5s %9.2f %9.4f\n", dev[d].name, runs[i].shape.name,
              p.tgs, p.ttft_s, p.fits ? "yes" : "OOM", p.need_gib, p.energy_wh);
    }
}

static void print_published(const options *o, const es_device *dev, int ndev, const lm_run *runs,
                            int nlm, FILE *out) {
  static const char *kinds[] = {"decode tok/s", "TTFT s", "Wh/query"};
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
      fprintf(
          out,
          "\nagainst published measurements (4-bit weights, batch 1):\n%-12s %-19s %-28s %-12s %5s %9s %9s %7s\n",
          "quantity", "device", "published model/stack", "shape", "prompt", "published",
          "projected", "error");
    proj_in in;
    proj_out p;
    proj_inputs(o, r, row->prompt ? row->prompt : o->prompt, &in);
    project(d, row->bandwidth_gbs, &in, &p);
    double v = row->kind == PUB_DECODE ? p.tgs : row->kind == PUB_TTFT ? p.ttft_s : p.energy_wh;
    fprintf(out, "%-12s %-19s %-28s %-12s %5d %9.4g %9.4g %+6.0f%%\n", kinds[row->kind],
            row->device, row->published, row->lm, row->prompt, row->value, v,
            100 * (v - row->value) / row->value);
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

static cJSON *host_json(const options *o, const host *h, const lm_run *runs, int nlm) {
  cJSON *j = cJSON_CreateObject(), *bw = cJSON_CreateObject(), *lms = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "cpu", h->cpu);
  cJSON_AddNumberToObject(j, "online_cpus", (double)sysconf(_SC_NPROCESSORS_ONLN));
  cJSON_AddStringToObject(j, "simd", h->simd);
  cJSON_AddStringToObject(j, "quant", qt_name(o->quant));
  cJSON_AddStringToObject(j, "clock",
                          o->wall ? "wall" : "CPU time at 1 thread, wall clock at more");
  cJSON *la = cJSON_AddArrayToObject(j, "loadavg_1min_before_after");
  for (int k = 0; k < 2; k++)
    cJSON_AddItemToArray(la, cJSON_CreateNumber(h->load[k]));
  for (int k = 0; k < h->npoints; k++) {
    char t[16];
    snprintf(t, sizeof t, "%d", h->threads[k]);
    cJSON *p = cJSON_AddObjectToObject(bw, t);
    add_num(p, "triad_gbs", h->bw[k].triad_bps / 1e9);
    add_num(p, "read_gbs", h->bw[k].read_bps / 1e9);
    add_num(p, "kernel_matvec_peak_gflops", h->peak_matvec[k] / 1e9);
    add_num(p, "kernel_batch_peak_gflops", h->peak_batch[k] / 1e9);
  }
  cJSON_AddItemToObject(j, "threads", bw);
  for (int i = 0; i < nlm; i++) {
    const lm_run *r = &runs[i];
    cJSON *l = cJSON_AddObjectToObject(lms, r->shape.name);
    cJSON *pre = cJSON_CreateObject(), *dec = cJSON_CreateObject(), *fr = cJSON_CreateObject();
    cJSON *roof = cJSON_CreateObject(), *froof = cJSON_CreateObject();
    cJSON_AddNumberToObject(l, "layers_run", r->b.layers_run);
    cJSON_AddNumberToObject(l, "layers_total", r->shape.n_layers);
    cJSON_AddBoolToObject(l, "scaled_per_layer", r->b.layers_run < r->shape.n_layers);
    cJSON_AddNumberToObject(l, "prompt_tokens", r->b.prompt);
    for (int k = 0; k < r->b.npoints; k++) {
      char t[16];
      snprintf(t, sizeof t, "%d", r->b.pt[k].threads);
      add_num(pre, t, r->b.pt[k].prefill_tps);
      add_num(dec, t, r->b.pt[k].decode_tps);
      add_num(fr, t, r->frac_triad[k]);
      add_num(roof, t, r->roof_tps[k]);
      add_num(froof, t, r->frac_roof[k]);
    }
    cJSON_AddItemToObject(l, "prefill_tps", pre);
    cJSON_AddItemToObject(l, "decode_tps", dec);
    cJSON_AddItemToObject(l, "bandwidth_fraction_triad", fr);
    cJSON_AddItemToObject(l, "roofline_tps", roof);
    cJSON_AddItemToObject(l, "roofline_fraction", froof);
    cJSON_AddItemToObject(l, "decode_tps_batch", batch_obj(r->b.batch_tps));
  }
  cJSON_AddItemToObject(j, "lm", lms);
  return j;
}

static cJSON *lm_json(const options *o, const es_device *d, const lm_run *r) {
  proj_in in;
  proj_out p;
  proj_inputs(o, r, o->prompt, &in);
  project(d, 0, &in, &p);
  cJSON *l = cJSON_CreateObject();
  add_num(l, "tgs", p.tgs);
  add_num(l, "ttft_s", p.ttft_s);
  cJSON_AddBoolToObject(l, "fits", p.fits);
  add_num(l, "energy_wh_per_query", p.energy_wh);
  add_num(l, "bytes_per_token", in.decode_bytes);
  add_num(l, "resident_gib", in.resident_bytes / 1073741824.0);
  add_num(l, "memory_needed_gib", p.need_gib);
  add_num(l, "prefill_flops", in.prefill_flops);
  add_num(l, "efficiency_decode", r->eff_bw);
  add_num(l, "efficiency_compute", r->eff_compute);
  cJSON_AddItemToObject(l, "decode_tps_batch", batch_obj(p.batch_tps));
  if (r->quality >= 0)
    add_num(l, "quality", r->quality);
  return l;
}

static const char *method[][2] = {
    {"tgs",
     "roofline: efficiency_decode x device bandwidth / bytes_per_token; efficiency_decode = host decode tokens/s over the host roofline min(triad / bytes, kernel matvec peak / decode FLOPs), 1 thread, CPU-timed; the matvec peak is decode's own one-row matvec on cache-resident weights"},
    {"ttft_s",
     "prefill_flops / (efficiency_compute x fp16_tflops_dense) + bytes_per_token / (efficiency_decode x bandwidth); efficiency_compute = kernel prefill FLOP/s over its own cache-resident batched matmul peak, 1 thread"},
    {"fits",
     "resident weights + fp16 KV cache for fit_context_tokens + runtime_reserve_gib <= memory_gib"},
    {"energy_wh_per_query", "power_active_w x (ttft_s + output_tokens / tgs) / 3600"},
    {"decode_tps_batch",
     "aggregate tokens/s of B sequences decoded in one weight pass: B / max(bytes/bw, B x decode FLOPs / compute)"},
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

/* Writes DIR/NAME.json through a temp file and rename: readers never see a
 * partial profile. 0 ok, -1 with a message on err. */
static int write_atomic(const char *dir, const char *name, const char *text, FILE *err) {
  char path[4096], tmp[4200];
  if (snprintf(path, sizeof path, "%s/%s.json", dir, name) >= (int)sizeof path ||
      snprintf(tmp, sizeof tmp, "%s/.%s.json.XXXXXX", dir, name) >= (int)sizeof tmp) {
    fprintf(err, "edgesim-calibrate: %s: path too long\n", dir);
    return -1;
  }
  int fd = mkstemp(tmp);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
  if (f)
    ok = fclose(f) == 0 && ok;
  else if (fd >= 0)
    close(fd);
  if (ok && chmod(tmp, 0644) == 0 && rename(tmp, path) == 0)
    return 0;
  fprintf(err, "edgesim-calibrate: %s: cannot write (%s)\n", path, strerror(errno));
  if (fd >= 0)
    unlink(tmp);
  return -1;
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
  else if (measure_host(&o, &h, err))
    rc = 1;
  for (int i = 0; !rc && i < o.nlm; i++)
    rc = measure_lm(&o, &h, &runs[i], out, err) ? 1 : 0;
  h.load[1] = loadavg();
  if (!rc) {
    print_host(&o, &h, runs, o.nlm, out);
    print_projections(&o, dev, ndev, runs, o.nlm, out);
    print_published(&o, dev, ndev, runs, o.nlm, out);
    fputc('\n', out);
    rc = write_profiles(&o, dir, dev, ndev, &h, runs, o.nlm, out, err) ? 1 : 0;
    if (!rc && !o.out && !o.update_shipped)
      fprintf(out, "use them with: edgesim --models %.*s ...\n", (int)(strlen(dir) - 9), dir);
  }
  for (int d = 0; d < ndev; d++)
    device_destroy(&dev[d]);
  return rc;
}
