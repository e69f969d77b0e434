/* fuzz_file.h: for targets whose reader takes a path (the trace reader,
 * edgesim metrics): the input is written to one temporary file per process,
 * FUZZ_PATH, which every error message must name first. */
#ifndef ES_FUZZ_FILE_H
#define ES_FUZZ_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static char fuzz_path[64];

static void fuzz_die_file(const char *what, const char *msg) {
  fprintf(stderr, "fuzz invariant broken: %s: [%s]\n", what, msg);
  abort();
}

static void fuzz_remove(void) { unlink(fuzz_path); }

/* Creates the file once (removed at exit), then rewrites it with data. */
static const char *fuzz_write(const unsigned char *data, size_t size) {
  if (!fuzz_path[0]) {
    snprintf(fuzz_path, sizeof fuzz_path, "/tmp/es_fuzz_%ld.in", (long)getpid());
    atexit(fuzz_remove);
  }
  FILE *f = fopen(fuzz_path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    fuzz_die_file("cannot write the input file", fuzz_path);
  return fuzz_path;
}

/* A rejected input: status 2 (1 only for out of memory), one non-empty line
 * that starts with the file name. */
static void fuzz_check_file_error(int rc, const es_err *e) {
  if (rc != ES_EINPUT && rc != ES_ERUNTIME)
    fuzz_die_file("unexpected status", e->msg);
  if (rc == ES_ERUNTIME && !strstr(e->msg, "out of memory"))
    fuzz_die_file("runtime failure while reading", e->msg);
  if (!e->msg[0] || strchr(e->msg, '\n'))
    fuzz_die_file("message is not one non-empty line", e->msg);
  if (strncmp(e->msg, fuzz_path, strlen(fuzz_path)) != 0)
    fuzz_die_file("message does not name the file", e->msg);
  for (const char *p = e->msg; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      fuzz_die_file("control character in the message", e->msg);
}

#endif
