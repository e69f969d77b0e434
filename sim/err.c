#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A message is one line: control characters (a newline in a key or file
 * name) would split it, so they become '?'. */
static void one_line(char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      *s = '?';
}

int es_fail(es_err *e, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  one_line(e->msg);
  e->code = code;
  return code;
}

void es_err_prefix(es_err *e, const char *prefix) {
  char tmp[sizeof e->msg];
  size_t n = strlen(prefix);
  if (n > sizeof tmp - 3)
    n = sizeof tmp - 3;
  memcpy(tmp, prefix, n);
  memcpy(tmp + n, ": ", 2);
  const char *msg = e->msg; /* the prefix already names the program */
  if (!strncmp(msg, "edgesim: ", 9) && !strncmp(prefix, "edgesim", 7))
    msg += 9;
  size_t m = strlen(msg);
  if (m > sizeof tmp - n - 3)
    m = sizeof tmp - n - 3;
  memcpy(tmp + n + 2, msg, m);
  tmp[n + 2 + m] = 0;
  memcpy(e->msg, tmp, sizeof tmp);
  one_line(e->msg);
}

const char *es_err_text(int code) {
  switch (code) {
#define ES_ERR_CASE(name, c, text)                                                                 \
  case c:                                                                                          \
    return text;
    ES_ERR_MAP(ES_ERR_CASE)
#undef ES_ERR_CASE
  }
  return "unknown";
}
