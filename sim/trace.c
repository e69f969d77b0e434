#include "trace.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ifile.h"

#define LINE_MAX_BYTES 1024

/* The header line: the documented column names, or those of the Azure LLM
 * inference traces (scenarios/data/); compared ignoring case. */
static const char *const HEADERS[] = {"TIME,PROMPT,OUTPUT",
                                      "TIMESTAMP,ContextTokens,GeneratedTokens", NULL};

static int bad(trace *tr, es_err *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(trace *tr, es_err *e, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return es_fail(e, ES_EINPUT, "%s:%llu: %s", tr->path, (unsigned long long)tr->line, what), -1;
}

/* Reads the next line into buf (LINE_MAX_BYTES) without its "\n" or
 * "\r\n" and counts it: 1, 0 at the end of the file, -1 (e set) on a NUL
 * byte, a line too long or a read error. The FILE is this reader's alone,
 * hence getc_unlocked. */
static int read_line(trace *tr, char *buf, es_err *e) {
  size_t n = 0;
  int ch;
  tr->line++;
  while ((ch = getc_unlocked(tr->f)) != EOF && ch != '\n') {
    if (ch == 0)
      return bad(tr, e, "NUL byte in the line (a trace is CSV text)");
    if (n == LINE_MAX_BYTES - 1)
      return bad(tr, e, "line longer than %d bytes", LINE_MAX_BYTES - 1);
    buf[n++] = (char)ch;
  }
  if (ch == EOF && ferror(tr->f))
    return bad(tr, e, "read error");
  if (ch == EOF && !n)
    return tr->line--, 0;
  if (n && buf[n - 1] == '\r')
    n--;
  buf[n] = 0;
  return 1;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* The length of the prefix of b that equals a ignoring case, if all of a
 * is matched; else 0. */
static size_t match_ci(const char *a, const char *b) {
  size_t n = 0;
  while (a[n] && lower(a[n]) == lower(b[n]))
    n++;
  return a[n] ? 0 : n;
}

/* A known header, followed by ",COL" when the trace has a difficulty
 * column. */
static int known_header(const char *line, const char *col) {
  for (const char *const *h = HEADERS; *h; h++) {
    size_t n = match_ci(*h, line);
    if (!n)
      continue;
    if (!*col && !line[n])
      return 1;
    if (*col && line[n] == ',' && match_ci(col, line + n + 1) && !line[n + 1 + strlen(col)])
      return 1;
  }
  return 0;
}

/* At most 40 bytes of line for a message, "..." if cut, each byte that is
 * not printable ASCII as '?': the first line of a file given by mistake
 * (a binary, another format) must not put control characters, terminal
 * escapes or broken UTF-8 into the one-line error. */
static void excerpt(const char *line, char *out, size_t n) {
  size_t k = 0;
  for (; line[k] && k < 40 && k + 4 < n; k++)
    out[k] = line[k] >= 0x20 && line[k] < 0x7f ? line[k] : '?';
  snprintf(out + k, n - k, "%s", line[k] ? "..." : "");
}

int trace_open(trace *tr, const char *path, const char *col, es_err *e) {
  memset(tr, 0, sizeof *tr);
  snprintf(tr->path, sizeof tr->path, "%s", path);
  snprintf(tr->col, sizeof tr->col, "%s", col ? col : "");
  if (!(tr->f = ifile_open(path, "a CSV trace", 0, e)))
    return e->code;
  char line[LINE_MAX_BYTES];
  int rc = read_line(tr, line, e);
  if (rc == 0)
    es_fail(e, ES_EINPUT, "%s: empty trace; expected a header line and rows TIME,PROMPT,OUTPUT",
            path);
  else if (rc == 1 && !strncmp(line, "\xEF\xBB\xBF", 3)) /* invisible in the message below */
    bad(tr, e, "starts with a UTF-8 byte order mark; expected the header %s", HEADERS[0]);
  else if (rc == 1 && !known_header(line, tr->col)) {
    char got[48];
    excerpt(line, got, sizeof got);
    const char *sep = tr->col[0] ? "," : "";
    bad(tr, e, "expected the header %s%s%.63s (or %s%s%.63s), got '%s'", HEADERS[0], sep, tr->col,
        HEADERS[1], sep, tr->col, got);
  } else if (rc == 1)
    return 0;
  trace_close(tr);
  return e->code;
}

void trace_close(trace *tr) {
  if (tr->f)
    fclose(tr->f);
  tr->f = NULL;
}

/* ---- fields ------------------------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* The value of exactly n digits at s, or -1. */
static int fixed_digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!is_digit(s[i]))
      return -1;
    v = 10 * v + (s[i] - '0');
  }
  return v;
}

static int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return days[m - 1] + (m == 2 && leap);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long days_from_civil(long y, long m, long d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* A decimal number without sign, spaces, hex, inf or nan: digits with an
 * optional fraction and exponent ("12", "0.5", "1e3"). */
static int is_decimal(const char *s) {
  const char *p = s;
  while (is_digit(*p))
    p++;
  int digits = p > s;
  if (*p == '.') {
    const char *f = ++p;
    while (is_digit(*p))
      p++;
    digits |= p > f;
  }
  if (!digits)
    return 0;
  if (*p == 'e' || *p == 'E') {
    p += p[1] == '+' || p[1] == '-' ? 2 : 1;
    const char *x = p;
    while (is_digit(*p))
      p++;
    if (p == x)
      return 0;
  }
  return !*p;
}

/* Whether s has the shape "DDDD-DD-DD DD:DD:DD[.D...]". */
static int timestamp_shape(const char *s) {
  static const char shape[] = "DDDD-DD-DD DD:DD:DD";
  for (size_t i = 0; shape[i]; i++)
    if (shape[i] == 'D' ? !is_digit(s[i]) : s[i] != shape[i])
      return 0; /* also stops at the string's end */
  const char *frac = s + sizeof shape - 1;
  return !*frac || (*frac == '.' && is_digit(frac[1]) && !frac[1 + strspn(frac + 1, "0123456789")]);
}

/* TIME: "YYYY-MM-DD HH:MM:SS[.frac]" (UTC) or seconds; -1 with e set. */
static int parse_time(trace *tr, const char *s, double *out, es_err *e) {
  if (timestamp_shape(s)) {
    int y = fixed_digits(s, 4), mo = fixed_digits(s + 5, 2), d = fixed_digits(s + 8, 2);
    int h = fixed_digits(s + 11, 2), mi = fixed_digits(s + 14, 2), sec = fixed_digits(s + 17, 2);
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
      return bad(tr, e, "TIME: %.10s is not a date (months 01-12, days as in the calendar)", s);
    if (h > 23 || mi > 59 || sec > 59)
      return bad(tr, e, "TIME: %.8s is not a time of day (00:00:00 to 23:59:59)", s + 11);
    *out = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + sec +
           (s[19] ? strtod(s + 19, NULL) : 0);
    return 0;
  }
  if (is_decimal(s) && isfinite(*out = strtod(s, NULL)))
    return 0;
  return bad(tr, e, "TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac], got '%.40s'", s);
}

/* A count: decimal digits only (no sign or spaces), in [min, 10^9]. */
static int parse_count(const char *s, uint64_t min, uint64_t *out) {
  size_t n = strspn(s, "0123456789");
  if (!n || s[n])
    return -1;
  unsigned long long v = strtoull(s, NULL, 10);
  if (v < min || v > 1000000000ull)
    return -1;
  *out = v;
  return 0;
}

int trace_next(trace *tr, trace_row *row, es_err *e) {
  char line[LINE_MAX_BYTES];
  int rc;
  while ((rc = read_line(tr, line, e)) == 1 && !line[0])
    ; /* blank lines are skipped */
  if (rc != 1)
    return rc;
  char *f1 = line, *f2 = strchr(f1, ','), *f3 = f2 ? strchr(f2 + 1, ',') : NULL;
  char *f4 = f3 ? strchr(f3 + 1, ',') : NULL;
  if (!tr->col[0] && (!f2 || !f3 || f4))
    return bad(tr, e, "expected three fields TIME,PROMPT,OUTPUT");
  if (tr->col[0] && (!f2 || !f3 || !f4 || strchr(f4 + 1, ',')))
    return bad(tr, e, "expected four fields TIME,PROMPT,OUTPUT,%.63s", tr->col);
  *f2++ = 0, *f3++ = 0;
  row->d = 0;
  if (f4) {
    *f4++ = 0;
    if (!is_decimal(f4) || !((row->d = strtod(f4, NULL)) <= 1))
      return bad(tr, e, "%.63s (difficulty) must be a number in [0, 1], got '%.40s'", tr->col, f4);
  }
  double t = 0;
  if (parse_time(tr, f1, &t, e))
    return -1;
  if (parse_count(f2, 0, &row->prompt))
    return bad(tr, e, "PROMPT must be an integer in [0, 1000000000], got '%.40s'", f2);
  if (parse_count(f3, 1, &row->tokens))
    return bad(tr, e, "OUTPUT must be an integer in [1, 1000000000], got '%.40s'", f3);
  if (!tr->started)
    tr->t0 = t, tr->started = 1;
  row->t = t - tr->t0;
  if (row->t < tr->last)
    return bad(tr, e, "TIME goes backwards (rows must be in time order)");
  tr->last = row->t;
  return 1;
}
