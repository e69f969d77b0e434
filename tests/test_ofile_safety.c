/* test_ofile_safety.c: output files appear whole or not at all (ofile.c).
 * The /dev/full and signal cases run the CLI: tests/output_safety.sh. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ofile.h"

static char dir[] = "/tmp/es_ofile_XXXXXX";

static void path_of(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", dir, name); }

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static void assert_content(const char *path, const char *want) {
  char got[256] = "";
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = fread(got, 1, sizeof got - 1, f);
  got[n] = 0;
  fclose(f);
  assert_string_equal(got, want);
}

/* Files in dir other than `keep` (temporary files left behind). */
static int strays(const char *keep) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *ent;
  while ((ent = readdir(d)))
    if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..") && strcmp(ent->d_name, keep))
      n++;
  closedir(d);
  return n;
}

static int setup(void **state) {
  (void)state;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* The committed file has the mode a plain fopen() gives: 0666 less the umask
 * (mkstemp's own 0600 would hide a time series from the group). */
static void committed_file_follows_umask(void **state) {
  (void)state;
  const mode_t masks[] = {022, 027, 077};
  for (int k = 0; k < 3; k++) {
    char p[128];
    path_of(p, sizeof p, "mode.tsv");
    mode_t old = umask(masks[k]);
    ofile o;
    es_err e = {0};
    assert_int_equal(ofile_open(&o, p, &e), 0);
    assert_int_equal(ofile_commit(&o, &e), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~masks[k]);
    unlink(p);
  }
}

/* A target whose name has 250 bytes (NAME_MAX is 255): the temporary name
 * must still fit. */
static void long_name_fits(void **state) {
  (void)state;
  char name[251], p[512];
  memset(name, 'n', 250);
  name[250] = 0;
  path_of(p, sizeof p, name);
  ofile o;
  es_err e = {0};
  assert_int_equal(ofile_open(&o, p, &e), 0);
  fputs("x\n", o.f);
  assert_int_equal(ofile_commit(&o, &e), 0);
  assert_content(p, "x\n");
  assert_int_equal(strays(name), 0);
  unlink(p);
}

static void commit_replaces_whole_file(void **state) {
  (void)state;
  char p[128];
  path_of(p, sizeof p, "a.tsv");
  write_text(p, "old\n");
  ofile o;
  es_err e = {0};
  assert_int_equal(ofile_open(&o, p, &e), 0);
  assert_true(o.tmp[0] != 0);
  fputs("new\n", o.f);
  assert_content(p, "old\n"); /* untouched until the commit */
  assert_int_equal(ofile_commit(&o, &e), 0);
  assert_content(p, "new\n");
  assert_int_equal(strays("a.tsv"), 0);
  unlink(p);
}

static void failed_write_keeps_old_file(void **state) {
  (void)state;
  char p[128];
  path_of(p, sizeof p, "b.tsv");
  write_text(p, "old\n");
  ofile o;
  es_err e = {0};
  assert_int_equal(ofile_open(&o, p, &e), 0);
  fputs("partial\n", o.f);
  close(fileno(o.f)); /* every later write fails, as on a full disk */
  assert_int_equal(ofile_commit(&o, &e), ES_ERUNTIME);
  assert_non_null(strstr(e.msg, "b.tsv: write failed"));
  assert_content(p, "old\n");
  assert_int_equal(strays("b.tsv"), 0);
  unlink(p);
}

static void abort_removes_temporary(void **state) {
  (void)state;
  char p[128];
  path_of(p, sizeof p, "c.tsv");
  ofile o;
  es_err e = {0};
  assert_int_equal(ofile_open(&o, p, &e), 0);
  fputs("partial\n", o.f);
  ofile_abort(&o);
  struct stat st;
  assert_int_not_equal(stat(p, &st), 0); /* never created */
  assert_int_equal(strays(""), 0);
}

static void device_is_written_in_place(void **state) {
  (void)state;
  ofile o;
  es_err e = {0};
  assert_int_equal(ofile_open(&o, "/dev/null", &e), 0);
  assert_string_equal(o.tmp, "");
  fputs("x\n", o.f);
  assert_int_equal(ofile_commit(&o, &e), 0);
  struct stat st;
  assert_int_equal(stat("/dev/null", &st), 0);
  assert_true(S_ISCHR(st.st_mode));
}

static void directory_is_refused(void **state) {
  (void)state;
  ofile o;
  es_err e = {0};
  assert_int_equal(ofile_open(&o, dir, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "is a directory"));
}

static void missing_directory_is_refused(void **state) {
  (void)state;
  char p[128];
  path_of(p, sizeof p, "no/such/dir/x.tsv");
  ofile o;
  es_err e = {0};
  assert_int_equal(ofile_open(&o, p, &e), ES_EINPUT);
  assert_non_null(strstr(e.msg, "cannot create"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(commit_replaces_whole_file),
      cmocka_unit_test(committed_file_follows_umask),
      cmocka_unit_test(long_name_fits),
      cmocka_unit_test(failed_write_keeps_old_file),
      cmocka_unit_test(abort_removes_temporary),
      cmocka_unit_test(device_is_written_in_place),
      cmocka_unit_test(directory_is_refused),
      cmocka_unit_test(missing_directory_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
