/* fuzz_cli.c: libFuzzer target over the `compare` and `sweep` option
 * parsers (sim/cli_common.c, the --vary splitter in sim/cli_sweep.c). The
 * input's first byte picks the command (even: compare, odd: sweep), the
 * rest is up to 24 lines, one argument each; the small scenario
 * tests/fuzz/tiny.json is added as the last argument. cli_parse() must
 * accept, or refuse with status 2 and one non-empty line. An accepted
 * command line whose overrides only touch cheap keys (so that no run can be
 * long) and that has at most 16 runs is also run, with its results thrown
 * away: it must succeed or fail with status 2 and one line. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_ARGS 24
#define TINY EDGESIM_SOURCE_DIR "/tests/fuzz/tiny.json"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *msg) {
  fprintf(stderr, "fuzz invariant broken: %s: [%s]\n", what, msg);
  abort();
}

static void check_error(int rc, const es_err *e) {
  if (rc != ES_EINPUT && !(rc == ES_ERUNTIME && strstr(e->msg, "out of memory")))
    die("unexpected status", e->msg);
  if (e->code != rc || !e->msg[0] || strchr(e->msg, '\n'))
    die("message is not one non-empty line with the status", e->msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  if (!freopen("/dev/null", "w", stdout)) /* results (and --help) go nowhere */
    abort();
  return 0;
}

/* Keys a fuzzed override may set for the command to be run: none of them
 * can make a run long or large. */
static int cheap(const char *set) {
  static const char *const ok[] = {"dispatch.policy=",
                                   "limiter.window_s=",
                                   "seed=",
                                   "cloud.",
                                   "energy.",
                                   "name=",
                                   "utility.alpha=",
                                   NULL};
  for (const char *const *k = ok; *k; k++)
    if (!strncmp(set, *k, strlen(*k)))
      return 1;
  return 0;
}

static int runnable(const cli *c) {
  size_t runs = c->has_reps ? c->reps : 20;
  const char *const *lists[] = {c->sets, c->set_a, c->set_b, c->vary};
  size_t n[] = {c->nsets, c->nset_a, c->nset_b, c->nvary};
  for (int l = 0; l < 4; l++)
    for (size_t i = 0; i < n[l]; i++) {
      if (!cheap(lists[l][i]))
        return 0;
      if (l == 3)
        for (const char *p = lists[l][i]; *p; p++)
          runs *= *p == ',' ? 2 : 1; /* an upper bound is enough */
    }
  return runs <= 16 && !c->models;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096)
    return 0;
  char buf[4097];
  memcpy(buf, data + 1, size - 1);
  buf[size - 1] = 0;
  char *argv[MAX_ARGS + 4] = {"edgesim", data[0] % 2 ? "sweep" : "compare"};
  int argc = 2;
  for (char *line = buf; line && argc < MAX_ARGS + 2;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = 0;
    argv[argc++] = line;
    line = nl ? nl + 1 : NULL;
  }
  argv[argc++] = TINY;
  argv[argc] = NULL;
  static cli c;
  es_err e = {0};
  int done = 0, rc = cli_parse(argc, argv, &c, &done, &e);
  if (rc) {
    check_error(rc, &e);
    return 0;
  }
  if (done || !runnable(&c))
    return 0;
  c.jobs = 1;
  rc = c.cmd == CMD_SWEEP ? cli_sweep(&c, &e) : cli_compare(&c, &e);
  if (rc)
    check_error(rc, &e);
  return 0;
}
