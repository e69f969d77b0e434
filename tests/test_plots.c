/* test_plots.c: the plot scripts end to end (registered only when gnuplot
 * is installed). figure4.sh runs with 3 replications into a temporary
 * directory; its images must be valid and every number it plots must equal
 * what `edgesim --replications 3 --format json` reports for the same seeds.
 * Usage: test_plots EDGESIM_BINARY (the repository root from EDGESIM_ROOT). */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <sys/stat.h>

static const char *g_bin;
static char g_dir[256];

static const char *root(void) {
  const char *r = getenv("EDGESIM_ROOT");
  return r && *r ? r : ".";
}

static int sh(const char *fmt, const char *a, const char *b) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, fmt, a, b);
  return system(cmd);
}

/* PNG signature and IHDR size of `path`. */
static void assert_png(const char *path, unsigned minw, unsigned minh) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char h[24];
  assert_int_equal(fread(h, 1, 24, f), 24);
  fclose(f);
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  assert_memory_equal(h, sig, 8);
  assert_memory_equal(h + 12, "IHDR", 4);
  unsigned w = (unsigned)h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19];
  unsigned ht = (unsigned)h[20] << 24 | h[21] << 16 | h[22] << 8 | h[23];
  assert_true(w >= minw && w <= 4000);
  assert_true(ht >= minh && ht <= 3000);
}

static void assert_svg(const char *path) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  assert_non_null(strstr(buf, "<svg"));
  assert_non_null(strstr(buf, "</svg>"));
}

static char *slurp_cmd(const char *cmd) {
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t k;
  while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0)
    if ((n += k) + 1 == cap)
      buf = realloc(buf, cap *= 2);
  buf[n] = 0;
  assert_int_equal(pclose(p), 0);
  return buf;
}

/* summary of `scenario` with 3 replications, as parsed JSON. */
static cJSON *summary_of(const char *scenario) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' --replications 3 --format json '%s/scenarios/%s.json'", g_bin,
           root(), scenario);
  char *text = slurp_cmd(cmd);
  cJSON *all = cJSON_Parse(text);
  free(text);
  assert_non_null(all);
  return all;
}

static double stat_of(const cJSON *all, const char *group, const char *name, const char *stat) {
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(all, "summary");
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(s, group);
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(g, name);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, stat);
  if (!cJSON_IsNumber(v))
    fail_msg("summary.%s.%s.%s missing", group, name, stat);
  return v->valuedouble;
}

static double dev_stat(const cJSON *all, int k, const char *name, const char *stat) {
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(all, "summary");
  const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "devices"), k);
  const cJSON *v =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, name), stat);
  assert_true(cJSON_IsNumber(v));
  return v->valuedouble;
}

/* Reads TSV row `row` (1 = first after the header), numeric column `col`. */
static double tsv(const char *file, int row, int col) {
  char path[512], line[4096];
  snprintf(path, sizeof path, "%s/%s", g_dir, file);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  for (int r = 0; r <= row; r++)
    assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  char *p = line;
  for (int c = 1; c < col; c++) {
    p = strchr(p, '\t');
    assert_non_null(p);
    p++;
  }
  return strtod(p, NULL);
}

#define assert_same(a, b) assert_close((a), (b), 1e-9 * fabs(b) + 1e-12)

static void figure4_images_and_numbers(void **state) {
  (void)state;
  assert_int_equal(
      sh("sh '%s/plots/figure4.sh' -n 3 -b '%s' -o \"$PLOTDIR\" >/dev/null", root(), g_bin), 0);
  char p[512];
  snprintf(p, sizeof p, "%s/figure4.png", g_dir);
  assert_png(p, 800, 400);
  snprintf(p, sizeof p, "%s/figure4.svg", g_dir);
  assert_svg(p);
  const char *sc[] = {"steady_random", "steady_weighted", "bursty_random", "bursty_loadaware"};
  for (int i = 0; i < 4; i++) {
    cJSON *all = summary_of(sc[i]);
    const char *f = "figure4_requests.tsv";
    assert_same(tsv(f, i + 1, 3), stat_of(all, "requests", "edge_served", "mean"));
    assert_same(tsv(f, i + 1, 4), stat_of(all, "requests", "edge_served", "ci95"));
    assert_same(tsv(f, i + 1, 5), stat_of(all, "requests", "redirected", "mean"));
    assert_same(tsv(f, i + 1, 6), stat_of(all, "requests", "redirected", "ci95"));
    assert_same(tsv(f, i + 1, 7), stat_of(all, "tokens", "cloud", "mean"));
    assert_same(tsv(f, i + 1, 8), stat_of(all, "tokens", "cloud", "ci95"));
    assert_same(tsv(f, i + 1, 9), stat_of(all, "cost", "cloud_usd", "mean"));
    assert_same(tsv(f, i + 1, 10), stat_of(all, "cost", "cloud_usd", "ci95"));
    if (i >= 2) { /* the bursty pair: per-device and mean utilization */
      int col = i == 2 ? 2 : 4;
      for (int k = 0; k < 7; k++) {
        assert_same(tsv("figure4_utilization.tsv", k + 1, col),
                    dev_stat(all, k, "token_utilization", "mean"));
        assert_same(tsv("figure4_utilization.tsv", k + 1, col + 1),
                    dev_stat(all, k, "token_utilization", "ci95"));
      }
      assert_same(tsv("figure4_util_means.tsv", i - 1, 2),
                  stat_of(all, "utilization", "mean", "mean"));
    }
    cJSON_Delete(all);
  }
}

static void other_figures_render(void **state) {
  (void)state;
  assert_int_equal(
      sh("sh '%s/plots/timeline.sh' -b '%s' -o \"$PLOTDIR\" >/dev/null", root(), g_bin), 0);
  assert_int_equal(sh("WINDOWS='30 60' POLICIES='random load_aware' sh '%s/plots/window_sweep.sh' "
                      "-n 2 -b '%s' -o \"$PLOTDIR\" >/dev/null",
                      root(), g_bin),
                   0);
  assert_int_equal(sh("sh '%s/plots/calibration.sh' -o \"$PLOTDIR\" >/dev/null%s", root(), ""), 0);
  const char *names[] = {"timeline", "window_sweep", "calibration"};
  for (int i = 0; i < 3; i++) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s.png", g_dir, names[i]);
    assert_png(p, 800, 400);
    snprintf(p, sizeof p, "%s/%s.svg", g_dir, names[i]);
    assert_svg(p);
  }
  /* 60 steps and a header; 2 policies x 2 windows and a header */
  assert_close(tsv("timeline.tsv", 60, 1), 3540, 0);
  assert_close(tsv("window_sweep.tsv", 4, 2), 60, 0);
  /* 3 devices x 4 LMs; the phone's 7B does not fit (its profile says so) */
  assert_close(tsv("calibration.tsv", 12, 6), 0, 0);
  assert_close(tsv("calibration.tsv", 1, 6), 1, 0);
}

/* Entries in directory `dir` (hidden ones too). */
static int entries(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
  char *out = slurp_cmd(cmd);
  int n = atoi(out);
  free(out);
  return n;
}

/* A failing edgesim part-way through, or a bad sweep list, stops the script
 * with a non-zero status and leaves the output directory as it was: no TSV
 * with blank fields, no image, no staging folder. */
static void failures_leave_nothing(void **state) {
  (void)state;
  char wrap[512], out[512];
  snprintf(wrap, sizeof wrap, "%s/failing-edgesim", g_dir);
  snprintf(out, sizeof out, "%s/failed", g_dir);
  FILE *f = fopen(wrap, "w");
  assert_non_null(f);
  fprintf(f,
          "#!/bin/sh\ncase \"$*\" in *steady_weighted*) echo boom >&2; exit 1 ;; esac\n"
          "exec '%s' \"$@\"\n",
          g_bin);
  assert_int_equal(fclose(f), 0);
  assert_int_equal(chmod(wrap, 0755), 0);
  assert_int_not_equal(
      sh("sh '%s/plots/figure4.sh' -n 2 -b '%s' \"$PLOTDIR/failed\" 2>/dev/null", root(), wrap), 0);
  assert_int_equal(entries(out), 0);
  assert_int_not_equal(
      sh("WINDOWS='30 60' POLICIES='random least_loaded' sh '%s/plots/window_sweep.sh' "
         "-n 2 -b '%s' -o \"$PLOTDIR/failed\" 2>/dev/null",
         root(), g_bin),
      0);
  assert_int_equal(entries(out), 0);
  /* the positional OUTDIR is where figure4.sh writes */
  assert_int_equal(
      sh("sh '%s/plots/figure4.sh' -n 2 -b '%s' \"$PLOTDIR/positional\" >/dev/null", root(), g_bin),
      0);
  snprintf(out, sizeof out, "%s/positional/figure4.png", g_dir);
  assert_png(out, 800, 400);
}

static void bad_options_fail_cleanly(void **state) {
  (void)state;
  assert_int_not_equal(
      sh("sh '%s/plots/figure4.sh' -n 1 -b '%s' -o \"$PLOTDIR\" 2>/dev/null", root(), g_bin), 0);
  assert_int_not_equal(
      sh("sh '%s/plots/figure4.sh' -b /nonexistent%s -o \"$PLOTDIR\" 2>/dev/null", root(), ""), 0);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_plots EDGESIM\n");
    return 2;
  }
  g_bin = argv[1];
  snprintf(g_dir, sizeof g_dir, "/tmp/edgesim-plots-XXXXXX");
  if (!mkdtemp(g_dir))
    return 1;
  setenv("PLOTDIR", g_dir, 1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(figure4_images_and_numbers),
      cmocka_unit_test(other_figures_render),
      cmocka_unit_test(bad_options_fail_cleanly),
      cmocka_unit_test(failures_leave_nothing),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
  if (system(cmd) != 0)
    rc = rc ? rc : 1;
  return rc;
}
