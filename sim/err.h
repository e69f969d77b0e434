/* err.h: one error type for the whole simulator.
 *
 * Functions that can fail take an `es_err *` last and return 0 on success or
 * the failure's exit status (ES_EINPUT, ES_ERUNTIME). On failure `msg` holds
 * one complete line (without newline) naming the file and the place; on
 * success the error is untouched. Only main.c prints it and calls exit().
 */
#ifndef ES_ERR_H
#define ES_ERR_H

#include <stddef.h>

/* Exit statuses: the error table. Documented in README and --help. */
#define ES_ERR_MAP(X)                                                                              \
  X(ES_OK, 0, "success")                                                                           \
  X(ES_ERUNTIME, 1, "runtime failure (I/O, memory, failed internal check)")                        \
  X(ES_EINPUT, 2, "invalid input or usage")

enum {
#define ES_ERR_ENUM(name, code, text) name = code,
  ES_ERR_MAP(ES_ERR_ENUM)
#undef ES_ERR_ENUM
};

typedef struct es_err {
  int code;       /* one of the table above; ES_OK until a failure */
  char msg[2048]; /* one line, no trailing newline */
} es_err;

/* Records a failure (printf-style message) and returns `code`. */
int es_fail(es_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefixes the recorded message with "PREFIX: " (context on the way up). */
void es_err_prefix(es_err *e, const char *prefix);

/* Text of an exit status from the table, for --help. */
const char *es_err_text(int code);

#endif
