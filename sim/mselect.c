#include "mselect.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int ms_all(ms_sel *out, unsigned groups, es_err *e) {
  out->n = 0;
  out->col = calloc(es_metric_count(), sizeof *out->col);
  if (!out->col)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  for (size_t i = 0; i < es_metric_count(); i++)
    if (es_metric_shown(i, groups))
      out->col[out->n++] = (ms_col){-1, i};
  return 0;
}

void ms_free(ms_sel *s) {
  free(s->col);
  *s = (ms_sel){0};
}

/* The valid names, for the error message: every scalar, then the device
 * pattern. */
/* The group of metric names from i (the last j): `pre` bytes shared, nm
 * middle components times nl last ones (latency_s.{edge|cloud|all}.{mean|
 * p50|p95|p99}); nm = nl = 1, pre 0: a name alone. */
static size_t product(size_t i, size_t n, size_t *j, size_t *nm, size_t *nl) {
  const char *name = es_metric_name(i), *last = strrchr(name, '.');
  *j = i, *nm = 1, *nl = 1;
  if (!last)
    return 0;
  size_t pl = (size_t)(last - name) + 1; /* up to the last dot */
  while (*j + 1 < n && !strncmp(es_metric_name(*j + 1), name, pl) &&
         !strchr(es_metric_name(*j + 1) + pl, '.'))
    ++*j;
  *nl = *j - i + 1;
  size_t pm = pl - 1;
  while (pm > 0 && name[pm - 1] != '.')
    pm--;
  if (pm == 0 || *nl < 2)
    return *j = i, *nl = 1, 0;
  /* rows of nl names each, the same last components in the same order */
  size_t k = *j + 1;
  for (;;) {
    size_t r;
    for (r = 0; r < *nl && k + r < n; r++) {
      const char *x = es_metric_name(k + r), *y = es_metric_name(i + r);
      const char *xd = strrchr(x, '.');
      if (strncmp(x, name, pm) || !xd || strchr(x + pm, '.') != xd || strcmp(xd, strrchr(y, '.')))
        break;
    }
    if (r < *nl)
      break;
    k += *nl, ++*nm;
  }
  *j = i + *nm * *nl - 1;
  if (*nm > 1)
    return pm;
  return *j = i, *nl = 1, 0; /* only products are grouped */
}

/* The valid names, flat (every metric shown under `groups`), as before the
 * queue/service metrics; with those (ES_MG_SVC), products grouped so that
 * the list fits the message. */
static int unknown(const char *name, size_t len, size_t ndev, unsigned groups, es_err *e) {
  char list[1800] = "";
  size_t at = 0, n = es_metric_count(), cap = groups & ES_MG_SVC ? sizeof list : 900;
  if (!(groups & ES_MG_SVC))
    for (size_t i = 0; i < n && at < cap; i++)
      if (es_metric_shown(i, groups))
        at += (size_t)snprintf(list + at, cap - at, "%s%s", i ? "," : "", es_metric_name(i));
  /* a product of the last two components as prefix.{a|b}.{c|d}, so the
   * list fits the message (latency_s.{edge|cloud|all}.{mean|p50|p95|p99}) */
  for (size_t i = 0; (groups & ES_MG_SVC) && i < n && at < sizeof list; i++) {
    size_t j = i, nm = 0, nl = 0;
    size_t pre = product(i, n, &j, &nm, &nl);
    const char *name = es_metric_name(i);
    at += (size_t)snprintf(list + at, sizeof list - at, "%s%.*s", i ? "," : "", (int)pre, name);
    if (nm > 1) { /* {mid}.{last} */
      for (size_t k = 0; k < nm && at < sizeof list; k++) {
        const char *m = es_metric_name(i + k * nl) + pre;
        at += (size_t)snprintf(list + at, sizeof list - at, "%s%.*s", k ? "|" : "{",
                               (int)strcspn(m, "."), m);
      }
      if (at < sizeof list)
        at += (size_t)snprintf(list + at, sizeof list - at, "}.");
      pre += strcspn(name + pre, ".") + 1;
    }
    for (size_t k = 0; k < nl && at < sizeof list; k++)
      at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", k ? "|" : (nl > 1 ? "{" : ""),
                             es_metric_name(i + k) + pre);
    if (nl > 1 && at < sizeof list)
      at += (size_t)snprintf(list + at, sizeof list - at, "}");
    i = j;
  }
  for (size_t k = 0; k < es_dev_metric_count() && at < cap; k++)
    if (es_dev_metric_shown(k, groups))
      at += (size_t)snprintf(list + at, cap - at, "%s%s", k ? "|" : ",devices.K.{",
                             es_dev_metric_name(k));
  if (at < cap)
    snprintf(list + at, cap - at, "}");
  return es_fail(e, ES_EINPUT,
                 "edgesim: --metrics: unknown metric '%.*s'; valid: %s (K from 0 to %zu)", (int)len,
                 name, list, ndev ? ndev - 1 : 0);
}

/* "devices.K.field" -> column: 0, -1 if the name is not of that shape, or
 * ES_EINPUT (in e) when K is not a device index in [0, ndev): K is decimal
 * digits only, no sign, space or leading zero (strtoul would take
 * "-18446744073709551615" as 1 and " +0" as 0). */
static int device_col(const char *name, size_t len, size_t ndev, ms_col *c, es_err *e) {
  if (len < 9 || strncmp(name, "devices.", 8))
    return -1;
  const char *k = name + 8, *dot = memchr(k, '.', len - 8);
  size_t klen = dot ? (size_t)(dot - k) : len - 8;
  unsigned long long v = 0;
  int ok = klen > 0 && klen <= 19 && !(klen > 1 && k[0] == '0');
  for (size_t i = 0; i < klen && ok; i++)
    ok = k[i] >= '0' && k[i] <= '9', v = 10 * v + (unsigned long long)(k[i] - '0');
  if (!ok || v >= ndev)
    return es_fail(e, ES_EINPUT,
                   "edgesim: --metrics: '%.*s%s': the device index must be a whole number from "
                   "0 to %zu (this scenario has %zu device instances), got '%.*s%s'",
                   len > 80 ? 80 : (int)len, name, len > 80 ? "..." : "", ndev ? ndev - 1 : 0, ndev,
                   klen > 40 ? 40 : (int)klen, k, klen > 40 ? "..." : "");
  if (!dot)
    return -1;
  const char *field = dot + 1;
  size_t flen = len - (size_t)(field - name);
  for (size_t i = 0; i < es_dev_metric_count(); i++)
    if (strlen(es_dev_metric_name(i)) == flen && !strncmp(field, es_dev_metric_name(i), flen))
      return *c = (ms_col){(long)v, i}, 0;
  return -1;
}

static int resolve(const char *name, size_t len, size_t ndev, unsigned groups, ms_col *c,
                   es_err *e) {
  for (size_t i = 0; i < es_metric_count(); i++)
    if (strlen(es_metric_name(i)) == len && !strncmp(name, es_metric_name(i), len))
      return *c = (ms_col){-1, i}, 0;
  int rc = device_col(name, len, ndev, c, e);
  return rc >= 0 ? rc : unknown(name, len, ndev, groups, e);
}

int ms_parse(const char *list, size_t ndev, ms_sel *out, es_err *e) {
  return ms_parse_g(list, ndev, ES_MG_ALL & ~ES_MG_SVC, out, e);
}

int ms_parse_g(const char *list, size_t ndev, unsigned groups, ms_sel *out, es_err *e) {
  size_t n = 1;
  for (const char *p = list; *p; p++)
    n += *p == ',';
  *out = (ms_sel){calloc(n, sizeof *out->col), 0};
  if (!out->col)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  for (const char *p = list;; p++) {
    size_t len = strcspn(p, ",");
    if (resolve(p, len, ndev, groups, &out->col[out->n++], e))
      return ms_free(out), e->code;
    p += len;
    if (!*p)
      return 0;
  }
}

int ms_check(const ms_sel *s, size_t ndev, es_err *e) {
  for (size_t i = 0; i < s->n; i++)
    if (s->col[i].dev >= 0 && (size_t)s->col[i].dev >= ndev)
      return es_fail(e, ES_EINPUT,
                     "edgesim: --metrics: devices.%ld: this scenario has %zu "
                     "device instances (0 to %zu)",
                     s->col[i].dev, ndev, ndev ? ndev - 1 : 0);
  return 0;
}

void ms_name(const ms_sel *s, size_t i, char *buf, size_t n) {
  const ms_col *c = &s->col[i];
  if (c->dev < 0)
    snprintf(buf, n, "%s", es_metric_name(c->idx));
  else
    snprintf(buf, n, "devices.%ld.%s", c->dev, es_dev_metric_name((size_t)c->idx));
}

double ms_value(const ms_sel *s, size_t i, const es_result *r) {
  const ms_col *c = &s->col[i];
  return c->dev < 0 ? es_metric_value(r, c->idx) : es_dev_metric_value(&r->dev[c->dev], c->idx);
}
