/* wl_trace.c: replays the rows of a trace file (trace.h), times multiplied
 * by time_scale, streamed; each arrival carries the trace's own prompt and
 * output tokens. The file is read through once when the scenario is loaded,
 * so a bad row is an input error then, not a failure mid-run. */
#include <stdio.h>
#include <string.h>

#include "kinds.h"
#include "trace.h"

typedef struct cfg {
  char file[512];  /* as written in the scenario */
  char path[1024]; /* resolved against the scenario's folder */
  double time_scale;
  uint64_t rows;
} cfg;

static const key_row KEYS[] = {
    {"file", K_STR, offsetof(cfg, file), sizeof(((cfg *)0)->file), 0, 0, K_REQ, NULL, NULL, NULL,
     "CSV of TIME,PROMPT,OUTPUT rows (relative to the scenario's folder)", NULL},
    KEY_NUM("time_scale", offsetof(cfg, time_scale), 0, 1e6, K_LOX, "1",
            "factor on the trace's times (2: half the rate)"),
    KEY_END};

/* Resolves the trace against the scenario's folder and reads it through. */
static int validate(kctx *c, const scn *s, void *p) {
  (void)s;
  cfg *k = p;
  const char *slash = strrchr(c->file, '/');
  if (k->file[0] == '/' || !slash)
    snprintf(k->path, sizeof k->path, "%s", k->file);
  else
    snprintf(k->path, sizeof k->path, "%.*s/%s", (int)(slash - c->file), c->file, k->file);
  trace tr;
  trace_row row;
  int rc;
  k->rows = 0;
  if (trace_open(&tr, k->path, c->e))
    rc = -1;
  else
    while ((rc = trace_next(&tr, &row, c->e)) == 1)
      k->rows++;
  trace_close(&tr);
  if (rc == 0 && !k->rows)
    rc = es_fail(c->e, ES_EINPUT, "%s: the trace has no rows", k->path);
  if (rc) { /* name the scenario and the key too: "S: workload.file: T:LINE: ..." */
    char where[600];
    snprintf(where, sizeof where, "%s: workload.file", c->file);
    es_err_prefix(c->e, where);
    return c->e->code = ES_EINPUT;
  }
  return 0;
}

static double expected(const void *p, double duration_s) {
  (void)duration_s;
  return (double)((const cfg *)p)->rows;
}

static size_t classes(const void *p) {
  (void)p;
  return 0; /* any token count */
}

static int init(wl *w) {
  const cfg *k = w->cfg;
  return trace_open(w->st, k->path, &w->err) ? -1 : 0;
}

/* The next row; a row that went bad since the scenario was validated ends
 * the arrivals with w->err set. */
static double next(wl *w, wl_arrival *a) {
  trace_row row;
  int rc = trace_next(w->st, &row, &w->err);
  if (rc <= 0) {
    if (rc < 0)
      w->err.code = ES_ERUNTIME;
    return INFINITY;
  }
  a->prompt = row.prompt;
  a->tokens = row.tokens;
  a->cls = 0;
  return row.t * ((const cfg *)w->cfg)->time_scale;
}

static void destroy(wl *w) {
  if (w->st)
    trace_close(w->st);
}

const wl_ops wl_trace = {
    .h = {"trace", "replay a TIME,PROMPT,OUTPUT file", KEYS, sizeof(cfg), NULL, NULL},
    .validate = validate,
    .classes = classes,
    .expected = expected,
    .state_size = sizeof(trace),
    .init = init,
    .next = next,
    .destroy = destroy,
};
