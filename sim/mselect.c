#include "mselect.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int ms_all_x(ms_sel *out, int ext, es_err *e) {
  out->n = es_metric_shown(ext);
  out->col = calloc(out->n, sizeof *out->col);
  if (!out->col)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  for (size_t i = 0; i < out->n; i++)
    out->col[i] = (ms_col){-1, es_metric_order(ext, i)};
  return 0;
}

int ms_all(ms_sel *out, es_err *e) { return ms_all_x(out, 0, e); }

void ms_free(ms_sel *s) {
  free(s->col);
  *s = (ms_sel){0};
}

/* The valid names, for the error message: every scalar, then the device
 * pattern. */
static int unknown(const char *name, size_t len, size_t ndev, int ext, es_err *e) {
  char list[2400] = "";
  size_t at = 0;
  for (size_t i = 0; i < es_metric_shown(ext) && at < sizeof list; i++)
    at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? "," : "",
                           es_metric_name(es_metric_order(ext, i)));
  for (size_t k = 0; k < es_dev_metric_shown(ext) && at < sizeof list; k++)
    at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", k ? "|" : ",devices.K.{",
                           es_dev_metric_name(k));
  if (at < sizeof list)
    snprintf(list + at, sizeof list - at, "}");
  return es_fail(e, ES_EINPUT,
                 "edgesim: --metrics: unknown metric '%.*s'; valid: %s (K from 0 to %zu)", (int)len,
                 name, list, ndev ? ndev - 1 : 0);
}

/* "devices.K.field" -> column; -1 if the shape does not match. */
static int device_col(const char *name, size_t len, size_t ndev, int ext, ms_col *c) {
  if (len < 9 || strncmp(name, "devices.", 8))
    return -1;
  char *end;
  errno = 0;
  unsigned long k = strtoul(name + 8, &end, 10);
  if (errno || end == name + 8 || *end != '.' || (size_t)(end - name) >= len || k >= ndev)
    return -1;
  const char *field = end + 1;
  size_t flen = len - (size_t)(field - name);
  for (size_t i = 0; i < es_dev_metric_shown(ext); i++)
    if (strlen(es_dev_metric_name(i)) == flen && !strncmp(field, es_dev_metric_name(i), flen))
      return *c = (ms_col){(long)k, i}, 0;
  return -1;
}

static int resolve(const char *name, size_t len, size_t ndev, int ext, ms_col *c, es_err *e) {
  size_t i;
  if (es_metric_find(ext, name, len, &i))
    return *c = (ms_col){-1, i}, 0;
  if (!device_col(name, len, ndev, ext, c))
    return 0;
  return unknown(name, len, ndev, ext, e);
}

int ms_parse(const char *list, size_t ndev, ms_sel *out, es_err *e) {
  return ms_parse_x(list, ndev, 0, out, e);
}

int ms_parse_x(const char *list, size_t ndev, int ext, ms_sel *out, es_err *e) {
  size_t n = 1;
  for (const char *p = list; *p; p++)
    n += *p == ',';
  *out = (ms_sel){calloc(n, sizeof *out->col), 0};
  if (!out->col)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  for (const char *p = list;; p++) {
    size_t len = strcspn(p, ",");
    if (resolve(p, len, ndev, ext, &out->col[out->n++], e))
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
