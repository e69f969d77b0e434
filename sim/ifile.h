/* ifile.h: input files, checked the same way by every reader.
 *
 * The scenario and profile reader, the trace reader and `edgesim metrics`
 * all open their files here: only regular files are opened for reading (a
 * directory, FIFO or device is refused by name and never blocks), JSON is
 * checked strictly against RFC 8259 before cJSON parses it (jsoncheck, with
 * FILE:LINE:COL), and object keys are looked up in one way (unknown keys
 * with a suggestion, duplicate keys). Every failure is one es_err line that
 * starts with the file name. The caller owns what is returned: fclose() the
 * FILE, free() the buffer, cJSON_Delete() the tree.
 */
#ifndef ES_IFILE_H
#define ES_IFILE_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define IFILE_MAX_BYTES (16u << 20) /* a JSON input file: scenario, profile, metrics */

/* Opens PATH for reading if it is a regular file of at most `max_bytes`
 * (0: no limit). `what` completes "expected WHAT" ("a JSON file"). NULL with
 * ES_EINPUT ("PATH: is a directory, expected WHAT", "PATH: not a regular
 * file, ...", "PATH: cannot open: REASON", "PATH: file is larger than ...")
 * on failure. */
FILE *ifile_open(const char *path, const char *what, unsigned long long max_bytes, es_err *e);

/* Reads a whole regular file of at most IFILE_MAX_BYTES into *buf (NUL
 * terminated, *len bytes before the terminator). On failure *buf is NULL. */
int ifile_read(const char *path, const char *what, char **buf, size_t *len, es_err *e);

/* Parses the `len` bytes at buf (buf[len] == 0) as one JSON value: NUL
 * bytes, an empty text and syntax errors fail with "FILE..." messages,
 * the latter as "FILE:LINE:COL: JSON syntax error: WHAT, got 'TEXT'". */
int ifile_parse_json(const char *file, const char *buf, size_t len, cJSON **out, es_err *e);

/* What a JSON value is, for "got ..." in messages ("nothing" for NULL). */
void ifile_describe(const cJSON *v, char *buf, size_t n);

/* Key tables: rows `stride` bytes apart, each starting with its key (a
 * `const char *`), ended by a row whose key is NULL; at most 64 rows.
 * Returns KEY's row and marks it in *seen, or -1 with "unknown key (did you
 * mean 'x'?)", "unknown key; allowed here: a, b" or "duplicate key" in msg. */
int ifile_key(const char *key, const void *rows, size_t stride, uint64_t *seen, char *msg,
              size_t n);

#endif
