/* wl_trace.c: replays the rows of a trace file (trace.h), times multiplied
 * by time_scale, streamed; each arrival carries the trace's own prompt and
 * output tokens, multiplied by prompt_scale and token_scale and rounded
 * half up (round(x) = floor(x) + 1 if x - floor(x) >= 0.5, on the double
 * product), output tokens at least 1, prompt tokens possibly 0. With the
 * default scales of 1 the tokens are the trace's exactly. The file is read
 * through once when the scenario is loaded, so a bad row, or a scaled
 * count above the trace's bound, is an input error then, not a failure
 * mid-run. With `difficulty.column` (route.h) the trace has a fourth
 * column of that name, each request's difficulty, read into the arrival. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kinds.h"
#include "trace.h"

typedef struct cfg {
  char file[512];  /* as written in the scenario */
  char path[1024]; /* resolved against the scenario's folder */
  double time_scale;
  double token_scale, prompt_scale; /* factors on output and prompt tokens */
  uint64_t rows;
  char col[64]; /* difficulty.column, copied at validation; "": none */
} cfg;

static const key_row KEYS[] = {
    {"file", K_STR, offsetof(cfg, file), sizeof(((cfg *)0)->file), 0, 0, K_REQ, NULL, NULL, NULL,
     "CSV of TIME,PROMPT,OUTPUT rows (relative to the scenario's folder)", NULL},
    KEY_NUM("time_scale", offsetof(cfg, time_scale), 0, 1e6, K_LOX, "1",
            "factor on the trace's times (2: half the rate)"),
    KEY_NUM("token_scale", offsetof(cfg, token_scale), 0, 1e6, K_LOX, "1",
            "factor on each row's output tokens, rounded half up, at least 1"),
    KEY_NUM("prompt_scale", offsetof(cfg, prompt_scale), 0, 1e6, K_LOX, "1",
            "factor on each row's prompt tokens, rounded half up (0 allowed)"),
    KEY_END};

#define TOKENS_MAX 1000000000ull /* the trace's own bound on a count */

/* x * s rounded half up: exact for x <= 1e9, the identity for s = 1. */
static uint64_t scaled(uint64_t x, double s) {
  double y = (double)x * s, f = floor(y);
  return (uint64_t)(y - f >= 0.5 ? f + 1 : f);
}

static uint64_t scaled_tokens(const cfg *k, uint64_t x) {
  uint64_t n = scaled(x, k->token_scale);
  return n ? n : 1;
}

static int too_many(es_err *e, const trace *tr, const char *col, uint64_t x, const char *key,
                    double s, uint64_t n) {
  return es_fail(e, ES_EINPUT, "%s:%llu: %s %llu times %s %.15g is %llu, above %llu", tr->path,
                 (unsigned long long)tr->line, col, (unsigned long long)x, key, s,
                 (unsigned long long)n, TOKENS_MAX);
}

/* 0 if the row's scaled counts are within the trace's bound, else
 * ES_EINPUT naming the row. */
static int check_scaled(const cfg *k, const trace *tr, const trace_row *row, es_err *e) {
  uint64_t out = scaled_tokens(k, row->tokens), in = scaled(row->prompt, k->prompt_scale);
  if (out > TOKENS_MAX)
    return too_many(e, tr, "OUTPUT", row->tokens, "token_scale", k->token_scale, out);
  if (in > TOKENS_MAX)
    return too_many(e, tr, "PROMPT", row->prompt, "prompt_scale", k->prompt_scale, in);
  return 0;
}

/* Resolves the trace against the scenario's folder and reads it through. */
static int validate(kctx *c, const scn *s, void *p) {
  cfg *k = p;
  snprintf(k->col, sizeof k->col, "%s", s->rt.dcol);
  const char *slash = strrchr(c->file, '/');
  if (k->file[0] == '/' || !slash)
    snprintf(k->path, sizeof k->path, "%s", k->file);
  else
    snprintf(k->path, sizeof k->path, "%.*s/%s", (int)(slash - c->file), c->file, k->file);
  trace tr;
  trace_row row;
  int rc;
  k->rows = 0;
  if (trace_open(&tr, k->path, k->col, c->e))
    rc = -1;
  else
    while ((rc = trace_next(&tr, &row, c->e)) == 1) {
      if (check_scaled(k, &tr, &row, c->e)) {
        rc = -1;
        break;
      }
      k->rows++;
    }
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
  return trace_open(w->st, k->path, k->col, &w->err) ? -1 : 0;
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
  const cfg *k = w->cfg;
  a->prompt = scaled(row.prompt, k->prompt_scale);
  a->tokens = scaled_tokens(k, row.tokens);
  a->cls = 0;
  a->d = row.d;
  return row.t * k->time_scale;
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
