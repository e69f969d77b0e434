#include "ifile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsoncheck.h"

/* ---- files ---------------------------------------------------------------------- */

static int not_regular(const char *path, const char *what, const struct stat *st, es_err *e) {
  if (S_ISDIR(st->st_mode))
    return es_fail(e, ES_EINPUT, "%s: is a directory, expected %s", path, what);
  return es_fail(e, ES_EINPUT, "%s: not a regular file, expected %s", path, what);
}

static int too_large(const char *path, unsigned long long max, es_err *e) {
  return es_fail(e, ES_EINPUT, "%s: file is larger than the limit of %llu bytes", path, max);
}

/* stat() first, so a FIFO or a device is refused without being opened;
 * then open without blocking and fstat() what was opened, in case PATH was
 * replaced in between. */
FILE *ifile_open(const char *path, const char *what, unsigned long long max_bytes, es_err *e) {
  struct stat st;
  if (stat(path, &st) != 0)
    return es_fail(e, ES_EINPUT, "%s: cannot open: %s", path, strerror(errno)), NULL;
  if (!S_ISREG(st.st_mode))
    return not_regular(path, what, &st, e), NULL;
  if (max_bytes && (unsigned long long)st.st_size > max_bytes)
    return too_large(path, max_bytes, e), NULL;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return es_fail(e, ES_EINPUT, "%s: cannot open: %s", path, strerror(errno)), NULL;
  FILE *f = NULL;
  int flags;
  if (fstat(fd, &st) != 0)
    es_fail(e, ES_EINPUT, "%s: cannot open: %s", path, strerror(errno));
  else if (!S_ISREG(st.st_mode))
    not_regular(path, what, &st, e);
  else if ((flags = fcntl(fd, F_GETFL)) == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1 ||
           !(f = fdopen(fd, "rb")))
    es_fail(e, ES_EINPUT, "%s: cannot open: %s", path, strerror(errno));
  if (!f)
    close(fd);
  return f;
}

int ifile_read(const char *path, const char *what, char **buf, size_t *len, es_err *e) {
  *buf = NULL;
  *len = 0;
  FILE *f = ifile_open(path, what, IFILE_MAX_BYTES, e);
  if (!f)
    return e->code;
  struct stat st;
  if (fstat(fileno(f), &st) != 0)
    st.st_size = 0;
  /* Room for the size fstat() saw plus one byte, to notice a file that
   * grew; it may still not pass the limit. */
  size_t cap = (size_t)st.st_size + 1;
  *buf = malloc(cap + 1);
  int bad = !*buf;
  while (!bad) {
    *len += fread(*buf + *len, 1, cap - *len, f);
    if ((bad = ferror(f)) || *len < cap || cap > IFILE_MAX_BYTES)
      break;
    cap = 2 * cap > IFILE_MAX_BYTES ? IFILE_MAX_BYTES + 1 : 2 * cap;
    char *grown = realloc(*buf, cap + 1);
    if (!grown)
      bad = 1;
    else
      *buf = grown;
  }
  int err = errno;
  fclose(f);
  if (!*buf)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory reading %s", path);
  if (bad || *len > IFILE_MAX_BYTES) {
    free(*buf);
    *buf = NULL;
    return bad ? es_fail(e, ES_EINPUT, "%s: cannot read: %s", path, strerror(err))
               : too_large(path, IFILE_MAX_BYTES, e);
  }
  (*buf)[*len] = 0;
  return 0;
}

/* ---- JSON text ------------------------------------------------------------------ */

/* Fails with "FILE:LINE:COL: JSON syntax error: WHAT, got 'TEXT'". */
static int syntax_error(const char *file, const char *buf, size_t len, const char *at,
                        const char *what, es_err *e) {
  size_t line = 1, col = 1;
  for (const char *p = buf; p < at; p++, col++)
    if (*p == '\n')
      line++, col = 0;
  char near[24];
  size_t n = 0;
  for (const char *p = at; p < buf + len && n < 16 && *p != '\n' && *p != '\r'; p++)
    near[n++] = (*p >= 32 && *p < 127) ? *p : '?';
  near[n] = 0;
  if (at >= buf + len)
    return es_fail(e, ES_EINPUT, "%s:%zu:%zu: JSON syntax error: %s, got the end of the file", file,
                   line, col, what);
  if (!n)
    return es_fail(e, ES_EINPUT, "%s:%zu:%zu: JSON syntax error: %s, got the end of the line", file,
                   line, col, what);
  return es_fail(e, ES_EINPUT, "%s:%zu:%zu: JSON syntax error: %s, got '%s'", file, line, col, what,
                 near);
}

int ifile_parse_json(const char *file, const char *buf, size_t len, cJSON **out, es_err *e) {
  *out = NULL;
  const char *nul = memchr(buf, 0, len);
  if (nul)
    return es_fail(e, ES_EINPUT, "%s: not a text file (NUL byte at offset %zu)", file,
                   (size_t)(nul - buf));
  size_t i = 0;
  while (i < len && strchr(" \t\r\n", buf[i]))
    i++;
  if (i == len)
    return es_fail(e, ES_EINPUT, "%s: empty file; expected a JSON object", file);
  /* Strict RFC 8259 first (cJSON alone would take 01 or 1.), with exact
   * places for errors. */
  const char *at, *what, *end = NULL;
  if (json_first_error(buf, len, &at, &what) == 0)
    return syntax_error(file, buf, len, at, what, e);
  *out = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
  if (*out) {
    /* Only white space may follow the value. */
    size_t k = (size_t)(end - buf);
    while (k < len && strchr(" \t\r\n", buf[k]))
      k++;
    if (k == len)
      return 0;
    cJSON_Delete(*out);
    *out = NULL;
    end = buf + k;
  }
  /* Valid JSON that cJSON still refuses (out of memory, most likely). */
  at = end && end >= buf && end <= buf + len ? end : buf + len;
  return syntax_error(file, buf, len, at, "not accepted by the JSON parser", e);
}

void ifile_describe(const cJSON *v, char *buf, size_t n) {
  if (!v)
    snprintf(buf, n, "nothing");
  else if (cJSON_IsNumber(v)) { /* the shortest text that reads back the same */
    for (int digits = 15; digits <= 17; digits++) {
      snprintf(buf, n, "%.*g", digits, v->valuedouble);
      if (strtod(buf, NULL) == v->valuedouble)
        break;
    }
  } else if (cJSON_IsString(v))
    snprintf(buf, n, "\"%.40s%s\"", v->valuestring, strlen(v->valuestring) > 40 ? "..." : "");
  else if (cJSON_IsBool(v))
    snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
  else if (cJSON_IsNull(v))
    snprintf(buf, n, "null");
  else if (cJSON_IsArray(v))
    snprintf(buf, n, "an array");
  else
    snprintf(buf, n, "an object");
}

/* ---- keys ----------------------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), row[64];
  if (la >= 63 || lb >= 63)
    return 99;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

static const char *row_key(const void *rows, size_t stride, size_t i) {
  const char *k;
  memcpy(&k, (const char *)rows + i * stride, sizeof k);
  return k;
}

static void unknown_key(const char *key, const void *rows, size_t stride, char *msg, size_t n) {
  const char *best = NULL, *k;
  size_t bd = 99;
  char allowed[512] = "";
  for (size_t i = 0; (k = row_key(rows, stride, i)); i++) {
    size_t d = edit_distance(key, k);
    if (d < bd)
      bd = d, best = k;
    size_t l = strlen(allowed);
    snprintf(allowed + l, sizeof allowed - l, "%s%s", l ? ", " : "", k);
  }
  if (best && bd <= 2 && bd < strlen(key))
    snprintf(msg, n, "unknown key (did you mean '%s'?)", best);
  else
    snprintf(msg, n, "unknown key; allowed here: %s", allowed);
}

int ifile_key(const char *key, const void *rows, size_t stride, uint64_t *seen, char *msg,
              size_t n) {
  const char *k;
  size_t i = 0;
  while ((k = row_key(rows, stride, i)) && strcmp(k, key))
    i++;
  if (!k)
    return unknown_key(key, rows, stride, msg, n), -1;
  if (*seen & (1ull << i))
    return snprintf(msg, n, "duplicate key"), -1;
  *seen |= 1ull << i;
  return (int)i;
}
