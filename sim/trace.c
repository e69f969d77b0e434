#include "trace.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024

int trace_open(trace *tr, const char *path, es_err *e) {
  memset(tr, 0, sizeof *tr);
  snprintf(tr->path, sizeof tr->path, "%s", path);
  if (!(tr->f = fopen(path, "r")))
    return es_fail(e, ES_EINPUT, "%s: cannot open trace: %s", path, strerror(errno));
  char line[LINE_MAX_BYTES];
  if (!fgets(line, sizeof line, tr->f)) {
    trace_close(tr);
    return es_fail(e, ES_EINPUT, "%s: empty trace; expected a header line and rows "
                                 "TIME,PROMPT,OUTPUT", path);
  }
  tr->line = 1;
  return 0;
}

void trace_close(trace *tr) {
  if (tr->f)
    fclose(tr->f);
  tr->f = NULL;
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

/* Seconds of "YYYY-MM-DD HH:MM:SS[.frac]" or of a plain number; -1 if bad. */
static int parse_time(const char *s, double *out) {
  int y, mo, d, h, mi, n = 0;
  double sec;
  if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 &&
      s[n] == 0) {
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec < 0 || sec >= 61)
      return -1;
    *out = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
    return 0;
  }
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return (errno || end == s || *end || !isfinite(*out) || *out < 0) ? -1 : 0;
}

static int parse_count(const char *s, uint64_t min, uint64_t *out) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9')
    return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v < min || v > 1000000000ull)
    return -1;
  *out = v;
  return 0;
}

static int bad(trace *tr, es_err *e, const char *what) {
  return es_fail(e, ES_EINPUT, "%s:%llu: %s", tr->path, (unsigned long long)tr->line, what), -1;
}

int trace_next(trace *tr, trace_row *row, es_err *e) {
  char line[LINE_MAX_BYTES];
  do {
    if (!fgets(line, sizeof line, tr->f))
      return ferror(tr->f) ? bad(tr, e, "read error") : 0;
    tr->line++;
    if (!strchr(line, '\n') && !feof(tr->f))
      return bad(tr, e, "line longer than 1023 bytes");
    line[strcspn(line, "\r\n")] = 0;
  } while (!line[0]); /* blank lines are skipped */
  char *f1 = line, *f2 = strchr(f1, ','), *f3 = f2 ? strchr(f2 + 1, ',') : NULL;
  if (!f2 || !f3 || strchr(f3 + 1, ','))
    return bad(tr, e, "expected three fields TIME,PROMPT,OUTPUT");
  *f2++ = 0, *f3++ = 0;
  double t;
  if (parse_time(f1, &t))
    return bad(tr, e, "TIME must be seconds >= 0 or YYYY-MM-DD HH:MM:SS[.frac]");
  if (parse_count(f2, 0, &row->prompt))
    return bad(tr, e, "PROMPT must be an integer in [0, 1000000000]");
  if (parse_count(f3, 1, &row->tokens))
    return bad(tr, e, "OUTPUT must be an integer in [1, 1000000000]");
  if (!tr->started)
    tr->t0 = t, tr->started = 1;
  row->t = t - tr->t0;
  if (row->t < tr->last)
    return bad(tr, e, "TIME goes backwards (rows must be in time order)");
  tr->last = row->t;
  return 1;
}
