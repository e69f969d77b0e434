/* test_calibrate.c: the roofline arithmetic against hand-computed values,
 * exact byte counts of the tiny shape, and a full edgesim-calibrate run on
 * the tiny shape (seconds) whose profiles are checked for format and for
 * internal arithmetic, usage errors (partial runs need --out). No timing is
 * asserted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "calibrate.h"
#include "jsonfile.h"
#include "project.h"

static int close_to(double got, double want, double rel) {
  return fabs(got - want) <= rel * fabs(want);
}

/* All expected numbers below are worked out by hand in the comments. */
static void test_projection(void **state) {
  (void)state;
  es_device d = {.memory_gib = 8,
                 .bandwidth_gbs = 68,
                 .fp16_tflops = 10,
                 .power_active_w = 15,
                 .reserve_gib = 2,
                 .fit_context = 4096};
  proj_in in = {.decode_bytes = 1e9,
                .resident_bytes = 1.2e9,
                .prefill_flops = 2e11,
                .prompt = 4,
                .decode_flops = 2e10,
                .kv_bytes_per_token = 1e5,
                .kv_ctx_bytes = 1.7e7,
                .eff_bw = 0.5,
                .eff_compute = 0.25,
                .eff_batch = 0.5,
                .output_tokens = 100};
  proj_out p;
  project(&d, 0, &in, &p);
  /* bw = 0.5 * 68e9 = 34e9 B/s -> 34 tok/s; one weight pass 1/34 s */
  assert_true(close_to(p.tgs, 34.0, 1e-12));
  /* compute 0.25 * 10e12 = 2.5e12 FLOP/s: 2e11 / 2.5e12 = 0.08 s, + 1/34 s */
  assert_true(close_to(p.ttft_s, 0.08 + 1.0 / 34, 1e-12));
  /* 4 prompt tokens in 0.08 s of compute */
  assert_true(close_to(p.prefill_tps, 50.0, 1e-12));
  /* 15 W * (0.109411765 + 100/34 s) / 3600 = 0.01271078431 Wh */
  assert_true(close_to(p.energy_wh, 0.01271078431, 1e-9));
  /* 1.2e9 + 1e5 * 4096 + 2 GiB = 3757083648 B = 3.49905 GiB <= 8 GiB */
  assert_true(close_to(p.need_gib, 3757083648.0 / 1073741824.0, 1e-12));
  assert_true(p.fits);
  /* batch: a = 1/34 s; b = 1.7e7 / 34e9 = 0.5 ms of KV + 2e10 / (0.5 * 10e12) = 4 ms;
   * A(B)/A(1) = B (a + b) / (a + b B) */
  const double ratio[] = {1.0, 1.7656967840735067, 2.8610421836228284, 4.147482014388488,
                          5.350348027842226};
  for (int i = 0; i < BENCH_BATCHES; i++) {
    assert_true(close_to(p.batch_ratio[i], ratio[i], 1e-12));
    assert_true(close_to(p.batch_tps[i], 34.0 * ratio[i], 1e-12));
  }
  /* a faster variant's bandwidth overrides the device's: 0.5 * 102e9 / 1e9 = 51 */
  project(&d, 102, &in, &p);
  assert_true(close_to(p.tgs, 51.0, 1e-12));
  /* 6 GiB more resident weights do not fit in 8 GiB */
  in.resident_bytes += 6.0 * 1073741824.0;
  project(&d, 0, &in, &p);
  assert_false(p.fits);
}

/* The projected batch curve is monotone non-decreasing in B and A(1) = TGS,
 * whatever the inputs (a grid of bandwidth, compute and KV sizes). */
static void test_batch_curve(void **state) {
  (void)state;
  es_device d = {.bandwidth_gbs = 68, .fp16_tflops = 10, .power_active_w = 15, .memory_gib = 8};
  const double eff[] = {0.05, 0.5, 1.0}, kv[] = {0, 1e6, 1e9}, fl[] = {1e6, 1e10, 1e13};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++) {
        proj_in in = {.decode_bytes = 4e9,
                      .prefill_flops = 1e12,
                      .prompt = 48,
                      .decode_flops = fl[k],
                      .kv_ctx_bytes = kv[j],
                      .eff_bw = eff[i],
                      .eff_compute = 0.5,
                      .eff_batch = eff[2 - i],
                      .output_tokens = 249};
        proj_out p;
        project(&d, 0, &in, &p);
        assert_true(p.batch_ratio[0] == 1.0 && p.batch_tps[0] == p.tgs);
        for (int b = 1; b < BENCH_BATCHES; b++) {
          assert_true(p.batch_ratio[b] >= p.batch_ratio[b - 1]);
          assert_true(p.batch_ratio[b] <= bench_batch[b]); /* never more than B x */
        }
      }
}

static void test_tiny_bytes(void **state) {
  (void)state;
  lm_shape s;
  char err[256];
  assert_int_equal(shape_load("models/lm/tiny.json", &s, err, sizeof err), 0);
  /* per layer 64*64*2 + 2*32*64 + 3*160*64 = 43008 weights;
   * q4_0: 43008/32*18 = 24192 B + fp32 norms and biases (128+64+32+32)*4 = 1024 B;
   * 2 layers = 50432 B; head 256*64/32*18 + 64*4 = 9472 B; untied embedding row 36 B */
  assert_true(shape_decode_bytes(&s, QT_Q4_0) == 59940.0);
  /* q8_0: (43008/32*34 + 1024) * 2 + 256*64/32*34 + 256 + 68 = 111172 */
  assert_true(shape_decode_bytes(&s, QT_Q8_0) == 111172.0);
  /* prefill of 4 tokens: 2*4*2*43008 + 2*256*64 + 4*2*64*(4*5/2) = 688128 + 32768 + 5120 */
  assert_true(shape_prefill_flops(&s, 4) == 726016.0);
}

static char *capture(int argc, char **argv, int *rc, char **errtext) {
  char *o = NULL, *e = NULL;
  size_t on = 0, en = 0;
  FILE *out = open_memstream(&o, &on), *err = open_memstream(&e, &en);
  *rc = calibrate_main(argc, argv, out, err);
  fclose(out);
  fclose(err);
  *errtext = e;
  return o;
}

static double num(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  assert_true(cJSON_IsNumber(v));
  return v->valuedouble;
}

/* One profile written by the run: the fixed keys the simulator reads, the
 * extra keys, and the projection's arithmetic redone from the file. */
static void check_profile(const char *dir, const char *name) {
  char path[512], err[256];
  snprintf(path, sizeof path, "%s/%s.json", dir, name);
  cJSON *p = jf_load(path, err, sizeof err);
  assert_non_null(p);
  const cJSON *prof = cJSON_GetObjectItemCaseSensitive(p, "profile");
  assert_true(cJSON_IsString(prof));
  assert_string_equal(prof->valuestring, name);
  assert_true(num(p, "power_active_w") > 0 && num(p, "power_idle_w") >= 0);
  assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(p, "generated_by")));
  assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(p, "host")));
  assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(p, "sources")));
  const cJSON *dev = cJSON_GetObjectItemCaseSensitive(p, "device");
  const cJSON *lm =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "lm"), "tiny");
  assert_true(cJSON_IsObject(lm));
  double tgs = num(lm, "tgs"), ttft = num(lm, "ttft_s"), eff = num(lm, "efficiency_decode");
  assert_true(tgs > 0 && ttft > 0 && eff > 0 && eff <= 1);
  assert_true(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(lm, "fits")));
  assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(lm, "fits"))); /* 60 KB fits anywhere */
  assert_true(num(lm, "bytes_per_token") == 59940.0);                      /* hand count above */
  /* TGS = eff * bandwidth / bytes; stored values have 4 significant digits */
  assert_true(close_to(tgs, eff * num(dev, "bandwidth_gbs") * 1e9 / 59940.0, 2e-3));
  assert_true(ttft >= 0.999 / tgs); /* at least one pass over the weights */
  double wh = num(p, "power_active_w") * (ttft + 249.0 / tgs) / 3600.0;
  assert_true(close_to(num(lm, "energy_wh_per_query"), wh, 3e-3));
  const cJSON *batch = cJSON_GetObjectItemCaseSensitive(lm, "decode_tps_batch");
  const cJSON *ratio = cJSON_GetObjectItemCaseSensitive(lm, "decode_batch_ratio");
  const char *keys[] = {"1", "2", "4", "8", "16"};
  for (int i = 0; i < 5; i++) {
    assert_true(num(batch, keys[i]) > 0);
    assert_true(i == 0 || num(ratio, keys[i]) >= num(ratio, keys[i - 1])); /* monotone */
  }
  assert_true(num(ratio, "1") == 1.0);
  assert_true(close_to(num(batch, "1"), tgs, 2e-3)); /* A(1) = tgs */
  assert_true(num(lm, "prefill_tps") > 0);
  const cJSON *ci = cJSON_GetObjectItemCaseSensitive(lm, "tgs_ci95");
  assert_true(cJSON_GetArraySize(ci) == 2);
  assert_true(cJSON_GetArrayItem(ci, 0)->valuedouble <= tgs * 1.001);
  assert_true(cJSON_GetArrayItem(ci, 1)->valuedouble >= tgs * 0.999);
  cJSON_Delete(p);
}

static void test_run_tiny(void **state) {
  (void)state;
  char dir[] = "/tmp/edgesim_calib_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char *argv[] = {
      "edgesim-calibrate", "--lm", "tiny", "--quick", "--layers", "1", "--out", dir, NULL};
  int rc;
  char *e, *o = capture(8, argv, &rc, &e);
  if (rc)
    fprintf(stderr, "%s", e);
  assert_int_equal(rc, 0);
  assert_non_null(strstr(o, "measured on a subset of layers")); /* 1 of 2 layers, said so */
  const char *names[] = {"orin_agx", "orin_nano", "phone"};
  for (int i = 0; i < 3; i++) {
    check_profile(dir, names[i]);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
    unlink(path);
  }
  assert_int_equal(rmdir(dir), 0); /* no temp files left behind */
  free(o);
  free(e);
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += e->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

/* A fake noisy probe (every probe reading multiplied by 1 + 0.5 u) spreads
 * the pair ratios so far that the medians' 95% intervals cannot reach the
 * +-3% asked: the run says so, exits 3 and writes no profile. */
static void test_noisy_probe(void **state) {
  (void)state;
  char dir[] = "/tmp/edgesim_calib_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char *argv[] = {"c",  "--lm",  "tiny", "--quick",     "--fake-noise", "0.5", "--pairs",
                  "15", "--out", dir,    "--precision", "0.03",         NULL};
  int rc;
  char *e, *o = capture(12, argv, &rc, &e);
  assert_int_equal(rc, 3);
  assert_non_null(strstr(e, "wider than the +-3.0% asked"));
  assert_non_null(strstr(e, "precision not reached: no profiles written"));
  assert_int_equal(count_files(dir), 0);
  assert_int_equal(rmdir(dir), 0);
  free(o);
  free(e);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path) {
  char err[256];
  cJSON *j = jf_load(path, err, sizeof err);
  char *t = j ? cJSON_PrintUnformatted(j) : NULL;
  cJSON_Delete(j);
  return t;
}

/* --update-shipped on a root whose four default shapes are the tiny one:
 * with the noisy probe it is refused (exit 3) and the shipped profile is
 * untouched; without it, the full run replaces it. */
static void test_update_shipped(void **state) {
  (void)state;
  char root[] = "/tmp/edgesim_root_XXXXXX", path[600], cmd[1400];
  assert_non_null(mkdtemp(root));
  snprintf(cmd, sizeof cmd,
           "mkdir -p %s/models/lm %s/models/profiles && cp -r models/devices %s/models/ && "
           "for n in qwen2.5-0.5b qwen2.5-1.5b qwen2.5-3b qwen2.5-7b; do sed "
           "\"s/\\\"tiny\\\"/\\\"$n\\\"/\" models/lm/tiny.json > %s/models/lm/$n.json; done",
           root, root, root, root);
  assert_int_equal(system(cmd), 0);
  snprintf(path, sizeof path, "%s/models/profiles/orin_agx.json", root);
  write_file(path, "{\"shipped\": true}\n");
  setenv("EDGESIM_ROOT", root, 1);
  char *noisy[] = {"c", "--update-shipped", "--fake-noise", "0.5", "--pairs", "11", NULL};
  int rc;
  char *e, *o = capture(6, noisy, &rc, &e);
  assert_int_equal(rc, 3);
  assert_non_null(strstr(e, "--update-shipped refused"));
  char *t = read_file(path);
  assert_string_equal(t, "{\"shipped\":true}"); /* untouched */
  free(t);
  free(o);
  free(e);
  /* +-25%: a tiny prefill lasts microseconds, too short for +-3% on a busy host */
  char *clean[] = {"c", "--update-shipped", "--threads", "1", "--precision", "0.25", NULL};
  o = capture(6, clean, &rc, &e);
  if (rc)
    fprintf(stderr, "%s", e);
  assert_int_equal(rc, 0);
  t = read_file(path);
  assert_non_null(strstr(t, "\"qwen2.5-7b\":{\"tgs\":")); /* replaced by the full run */
  free(t);
  free(o);
  free(e);
  setenv("EDGESIM_ROOT", ".", 1);
  snprintf(cmd, sizeof cmd, "rm -r %s", root);
  assert_int_equal(system(cmd), 0);
}

/* The shipped models/profiles are replaced only on purpose: --update-shipped,
 * with a full run (every default shape, all layers, q4_0); a partial run (a
 * subset of shapes or layers, a smoke run, another weight format) with it
 * stops before measuring anything. */
#define PARTIAL                                                                                    \
  "edgesim-calibrate: --update-shipped needs a full run: not with --lm, --layers, --quick or "     \
  "--quant q8_0\n"

static void test_usage(void **state) {
  (void)state;
  static const struct {
    int argc;
    char *argv[6];
    int rc;
    const char *err;
  } cases[] = {
      {2, {"c", "--bogus"}, 2, "edgesim-calibrate: unknown option '--bogus' (see --help)\n"},
      {3,
       {"c", "--quant", "q5_1"},
       2,
       "edgesim-calibrate: --quant: bad value 'q5_1' (see --help)\n"},
      {3, {"c", "--threads", "0"}, 2, "edgesim-calibrate: --threads: bad value '0' (see --help)\n"},
      {2, {"c", "--layers"}, 2, "edgesim-calibrate: --layers: missing value (see --help)\n"},
      {5,
       {"c", "--lm", "nope", "--out", "/tmp"},
       2,
       "edgesim-calibrate: --lm nope: ./models/lm/nope.json: cannot open: No such file or directory\n"},
      {4, {"c", "--lm", "qwen2.5-0.5b", "--update-shipped"}, 2, PARTIAL},
      {4, {"c", "--update-shipped", "--layers", "4"}, 2, PARTIAL},
      {3, {"c", "--quick", "--update-shipped"}, 2, PARTIAL},
      {4, {"c", "--quant", "q8_0", "--update-shipped"}, 2, PARTIAL},
      {4,
       {"c", "--update-shipped", "--out", "/tmp"},
       2,
       "edgesim-calibrate: --update-shipped and --out exclude each other\n"},
      {2, {"c", "--help"}, 0, ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc;
    char *e, *o = capture(cases[i].argc, (char **)cases[i].argv, &rc, &e);
    assert_int_equal(rc, cases[i].rc);
    assert_string_equal(e, cases[i].err);
    free(o);
    free(e);
  }
}

int main(void) {
  setenv("EDGESIM_ROOT", ".", 1); /* ctest runs in the project root */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_projection),     cmocka_unit_test(test_batch_curve),
      cmocka_unit_test(test_tiny_bytes),     cmocka_unit_test(test_run_tiny),
      cmocka_unit_test(test_usage),          cmocka_unit_test(test_noisy_probe),
      cmocka_unit_test(test_update_shipped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
