/* cli_sweep.c: `edgesim sweep SCENARIO --vary PATH=V1,V2,... [--vary ...]`.
 *
 * Points are the cartesian product of the --vary lists, the first --vary
 * outermost (like nested shell loops in the same order). Point p is the
 * scenario with --set then "PATH=Vk" for each --vary; all points are loaded
 * and validated before anything runs. Each point prints one row: its
 * varied values, then exactly the row `edgesim --set ... --format csv`
 * prints for it (one replication), or the `--summary` row with
 * --replications N >= 2. Every point uses the same seeds (--seed or its
 * scenario's seed), so points are compared under common random numbers. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "repl.h"
#include "rng.h"
#include "scenario.h"

#define MAX_POINTS 1000000u
#define MAX_VALUES 4096u
#define VALUE_MAX 1024 /* bytes of one "PATH=VALUE" override, with its NUL */

typedef struct axis {
  char path[512];
  char *buf;        /* owned copy of the values, split in place */
  const char **val; /* nval pointers into buf */
  size_t nval;
} axis;

typedef struct sweep {
  const cli *c;
  axis *ax;
  size_t nax, npoints, n; /* n: replications per point */
  scn **s;                /* npoints scenarios */
  ms_sel sel;
  int ext;           /* some point shows the queue/service metrics: every row does */
  repl *cur;         /* the point being printed */
  char names[8192];  /* leading header columns: the --vary paths */
  char values[8192]; /* leading columns of the current point */
} sweep;

/* Splits at commas outside brackets, braces and JSON strings, so values
 * may be JSON arrays or objects. Returns the number of values. */
static size_t split(char *v, const char **out, size_t max) {
  size_t n = 0;
  int depth = 0, str = 0;
  out[n++] = v;
  for (char *p = v; *p; p++) {
    if (str && *p == '\\' && p[1])
      p++;
    else if (*p == '"')
      str = !str;
    else if (!str && (*p == '[' || *p == '{'))
      depth++;
    else if (!str && (*p == ']' || *p == '}'))
      depth--;
    else if (!str && !depth && *p == ',') {
      *p = 0;
      if (n == max)
        return max + 1;
      out[n++] = p + 1;
    }
  }
  return n;
}

static int parse_axis(const char *arg, axis *a, es_err *e) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof a->path || !eq[1])
    return es_fail(e, ES_EINPUT, "edgesim sweep: --vary: expected PATH=V1,V2,..., got '%s'", arg);
  snprintf(a->path, sizeof a->path, "%.*s", (int)(eq - arg), arg);
  a->buf = strdup(eq + 1);
  a->val = calloc(MAX_VALUES + 1, sizeof *a->val);
  if (!a->buf || !a->val)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  a->nval = split(a->buf, a->val, MAX_VALUES);
  if (a->nval > MAX_VALUES)
    return es_fail(e, ES_EINPUT, "edgesim sweep: --vary %s: at most %u values", a->path,
                   MAX_VALUES);
  for (size_t k = 0; k < a->nval; k++) {
    if (!*a->val[k])
      return es_fail(e, ES_EINPUT, "edgesim sweep: --vary %s: empty value (position %zu)", a->path,
                     k + 1);
    if (strlen(a->path) + strlen(a->val[k]) + 2 > VALUE_MAX)
      return es_fail(e, ES_EINPUT, "edgesim sweep: --vary %s: value %zu longer than %d bytes",
                     a->path, k + 1, VALUE_MAX - 2);
  }
  return 0;
}

/* Value index of axis k at point p (first axis outermost). */
static size_t coord(const sweep *w, size_t p, size_t k) {
  for (size_t j = w->nax; j-- > k + 1;)
    p /= w->ax[j].nval;
  return p % w->ax[k].nval;
}

/* Appends one CSV/TSV field, quoted if it holds the separator or a quote. */
static size_t field(char *buf, size_t at, size_t n, const char *v, char sep, int first) {
  int q = strchr(v, sep) || strchr(v, '"') || strchr(v, '\n');
  if (at < n && !first)
    at += (size_t)snprintf(buf + at, n - at, "%c", sep);
  if (at < n && q)
    at += (size_t)snprintf(buf + at, n - at, "\"");
  for (; *v && at < n; v++)
    at += (size_t)snprintf(buf + at, n - at, *v == '"' && q ? "\"\"" : "%c", *v);
  if (at < n && q)
    at += (size_t)snprintf(buf + at, n - at, "\"");
  return at;
}

static int load_point(sweep *w, size_t p, es_err *e) {
  const cli *c = w->c;
  const char *sets[2 * CLI_MAX_SETS];
  static char own[CLI_MAX_SETS][VALUE_MAX]; /* main thread only */
  char where[1200] = "edgesim sweep: point";
  memcpy(sets, c->sets, c->nsets * sizeof *sets);
  for (size_t k = 0; k < w->nax; k++) {
    const axis *a = &w->ax[k];
    snprintf(own[k], sizeof own[k], "%s=%s", a->path, a->val[coord(w, p, k)]);
    sets[c->nsets + k] = own[k];
    size_t at = strlen(where), len = strlen(own[k]);
    if (at + len + 2 <= sizeof where) { /* context only: drop what does not fit */
      where[at] = ' ';
      memcpy(where + at + 1, own[k], len + 1);
    }
  }
  int rc = scn_load(c->scenario, sets, c->nsets + w->nax, c->models, &w->s[p], e);
  if (!rc)
    rc = cli_check_warmup(c, w->s[p], e);
  if (!rc && c->metrics)
    rc = ms_check(&w->sel, w->s[p]->ninst, e);
  if (rc)
    es_err_prefix(e, where);
  return rc;
}

static void task(void *arg, size_t i, bat_task *t) {
  const sweep *w = arg;
  const scn *s = w->s[i / w->n];
  uint64_t seed = w->c->has_seed ? w->c->seed : s->seed;
  *t = (bat_task){s, rng_replication_seed(seed, i % w->n)};
}

static void lead(const sweep *w, size_t p, char *buf, size_t n) {
  size_t at = 0;
  for (size_t k = 0; k < w->nax; k++) {
    const char *v = p == (size_t)-1 ? w->ax[k].path : w->ax[k].val[coord(w, p, k)];
    at = field(buf, at, n, v, w->c->sep, !k);
  }
}

static int begin_point(sweep *w, size_t p, es_err *e) {
  lead(w, p, w->values, sizeof w->values);
  repl_opts o = {.format = REP_CSV,
                 .header = w->c->header && p == 0,
                 .summary = w->n > 1,
                 .sep = w->c->sep,
                 .sel = w->c->metrics ? &w->sel : NULL,
                 .lead_names = w->names,
                 .lead_values = w->values,
                 .ext = w->ext,
                 .out = stdout};
  w->cur = repl_new(w->s[p], w->n, &o);
  return w->cur ? 0 : es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
}

/* Results arrive point by point, replications in order. */
static int sink(void *arg, size_t i, const es_result *r, es_err *e) {
  sweep *w = arg;
  int rc = i % w->n ? 0 : begin_point(w, i / w->n, e);
  if (!rc)
    rc = repl_add(w->cur, r, e);
  if (!rc && i % w->n == w->n - 1)
    rc = repl_finish(w->cur, e);
  if (rc || i % w->n == w->n - 1) {
    repl_free(w->cur);
    w->cur = NULL;
  }
  return rc;
}

static int count_points(sweep *w, es_err *e) {
  w->npoints = 1;
  for (size_t k = 0; k < w->nax; k++) {
    if (w->npoints * w->ax[k].nval > MAX_POINTS)
      return es_fail(e, ES_EINPUT, "edgesim sweep: more than %u points", MAX_POINTS);
    w->npoints *= w->ax[k].nval;
  }
  return 0;
}

static int prepare(sweep *w, es_err *e) {
  const cli *c = w->c;
  int rc = 0;
  if (!c->nvary)
    return es_fail(e, ES_EINPUT, "edgesim sweep: give at least one --vary PATH=V1,V2,...");
  if (!(w->ax = calloc(c->nvary, sizeof *w->ax)))
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  w->nax = c->nvary;
  for (size_t k = 0; k < w->nax && !rc; k++) {
    rc = parse_axis(c->vary[k], &w->ax[k], e);
    for (size_t j = 0; j < k && !rc; j++)
      if (!strcmp(w->ax[j].path, w->ax[k].path))
        rc = es_fail(e, ES_EINPUT,
                     "edgesim sweep: --vary %s: given twice (put all its values "
                     "in one --vary)",
                     w->ax[k].path);
  }
  if (!rc)
    rc = count_points(w, e);
  if (!rc && !(w->s = calloc(w->npoints, sizeof *w->s)))
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  for (size_t p = 0; p < w->npoints && !rc; p++) {
    rc = load_point(w, p, e);
    w->ext |= !rc && w->s[p]->ext;
  }
  if (!rc && c->metrics)
    rc = ms_parse_x(c->metrics, w->s[0]->ninst, w->ext, &w->sel, e);
  lead(w, (size_t)-1, w->names, sizeof w->names);
  return rc;
}

static void destroy(sweep *w) {
  for (size_t p = 0; w->s && p < w->npoints; p++)
    scn_free(w->s[p]);
  for (size_t k = 0; w->ax && k < w->nax; k++) {
    free(w->ax[k].buf);
    free(w->ax[k].val);
  }
  free(w->s);
  free(w->ax);
  ms_free(&w->sel);
  repl_free(w->cur);
}

int cli_sweep(const cli *c, es_err *e) {
  static sweep w; /* large buffers */
  w = (sweep){.c = c, .n = c->reps};
  int rc = prepare(&w, e);
  if (!rc)
    rc = bat_run(w.npoints * w.n, c->jobs, &c->run, task, sink, &w, e);
  destroy(&w);
  return rc;
}
