/* cli_sweep.c: `edgesim sweep SCENARIO --vary PATH=V1,V2,... [--vary ...]`.
 *
 * Points are the cartesian product of the --vary lists, the first --vary
 * outermost (like nested shell loops in the same order). Point p is the
 * scenario with --set then "PATH=Vk" for each --vary. Every point is
 * loaded and validated before anything runs (and freed again), so a bad
 * point prints nothing; then each point is built again just before its
 * first replication runs and freed after its last, so memory holds a few
 * points (at most 2 * jobs + 2), not all of them. Each point prints one row: its
 * varied values, then exactly the row `edgesim --set ... --format csv`
 * prints for it (one replication), or the `--summary` row with
 * --replications N >= 2. Every point uses the same seeds (--seed or its
 * scenario's seed), so points are compared under common random numbers;
 * --vary seed=... gives each point its own base seed, and is refused with
 * --seed, which would override it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "ifile.h"
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
  char *text;             /* the scenario file, read once */
  size_t len;
  ms_sel sel;
  unsigned groups; /* opt-in metric groups of any point (engine.h) */
  repl *cur;       /* the point being printed */
  char *names;     /* leading header columns: the --vary paths */
  char *values;    /* leading columns of the current point */
  size_t lead_max; /* bytes of names and values, enough for any point */
  /* The points being run: point p in ring[p % nring] (ring_point[p %
   * nring] == p), loaded by the first task of p under mu, freed by the sink
   * after its last replication. Tasks in flight span at most 2 * jobs
   * consecutive tasks, so at most 2 * jobs + 1 points are alive. */
  pthread_mutex_t mu;
  scn **ring;
  size_t *ring_point, nring;
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

/* Appends one CSV/TSV field at buf + at, quoted if it holds the separator,
 * a quote or a newline; returns the new end. buf has room for 2 * strlen(v)
 * + 4 more bytes (lead_bound()). */
static size_t field(char *buf, size_t at, const char *v, char sep, int first) {
  int q = strchr(v, sep) || strchr(v, '"') || strchr(v, '\n');
  if (!first)
    buf[at++] = sep;
  if (q)
    buf[at++] = '"';
  for (; *v; v++) {
    if (*v == '"' && q)
      buf[at++] = '"';
    buf[at++] = *v;
  }
  if (q)
    buf[at++] = '"';
  buf[at] = 0;
  return at;
}

/* Bytes the leading columns of any point (or the header) can take. */
static size_t lead_bound(const sweep *w) {
  size_t n = 1;
  for (size_t k = 0; k < w->nax; k++) {
    size_t longest = strlen(w->ax[k].path);
    for (size_t j = 0; j < w->ax[k].nval; j++)
      if (strlen(w->ax[k].val[j]) > longest)
        longest = strlen(w->ax[k].val[j]);
    n += 2 * longest + 3;
  }
  return n;
}

/* Builds point p into *out (main thread, or a worker under w->mu: the
 * override buffers are static). */
static int load_point(sweep *w, size_t p, scn **out, es_err *e) {
  const cli *c = w->c;
  const char *sets[2 * CLI_MAX_SETS];
  static char own[CLI_MAX_SETS][VALUE_MAX];
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
  int rc =
      scn_load_buffer(c->scenario, w->text, w->len, sets, c->nsets + w->nax, c->models, out, e);
  if (!rc)
    rc = cli_check_warmup(c, *out, e);
  if (!rc && c->metrics)
    rc = ms_check(&w->sel, (*out)->ninst, e);
  if (rc) {
    scn_free(*out);
    *out = NULL;
    es_err_prefix(e, where);
  }
  return rc;
}

/* The scenario of point p, built if this is the first task of p to ask. */
static void task(void *arg, size_t i, bat_task *t) {
  sweep *w = arg;
  size_t p = i / w->n, r = p % w->nring;
  pthread_mutex_lock(&w->mu);
  if (!w->ring[r] || w->ring_point[r] != p) {
    scn_free(w->ring[r]); /* never alive: its last replication was delivered */
    w->ring[r] = NULL;
    t->rc = load_point(w, p, &w->ring[r], &t->err);
    w->ring_point[r] = p;
  }
  const scn *s = w->ring[r];
  pthread_mutex_unlock(&w->mu);
  if (!t->rc) {
    uint64_t seed = w->c->has_seed ? w->c->seed : s->seed;
    t->s = s;
    t->seed = rng_replication_seed(seed, i % w->n);
  }
}

static void lead(const sweep *w, size_t p, char *buf) {
  size_t at = 0;
  buf[0] = 0;
  for (size_t k = 0; k < w->nax; k++) {
    const char *v = p == (size_t)-1 ? w->ax[k].path : w->ax[k].val[coord(w, p, k)];
    at = field(buf, at, v, w->c->sep, !k);
  }
}

static int begin_point(sweep *w, size_t p, es_err *e) {
  lead(w, p, w->values);
  repl_opts o = {.format = REP_CSV,
                 .header = w->c->header && p == 0,
                 .summary = w->n > 1,
                 .sep = w->c->sep,
                 .sel = w->c->metrics ? &w->sel : NULL,
                 .lead_names = w->names,
                 .lead_values = w->values,
                 .groups = w->groups,
                 .out = stdout};
  pthread_mutex_lock(&w->mu);
  const scn *s = w->ring[p % w->nring];
  pthread_mutex_unlock(&w->mu);
  w->cur = repl_new(s, w->n, &o);
  return w->cur ? 0 : es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
}

/* Point p is done: its scenario goes. */
static void end_point(sweep *w, size_t p) {
  size_t r = p % w->nring;
  pthread_mutex_lock(&w->mu);
  if (w->ring_point[r] == p) {
    scn_free(w->ring[r]);
    w->ring[r] = NULL;
  }
  pthread_mutex_unlock(&w->mu);
}

/* Results arrive point by point, replications in order. */
static int sink(void *arg, size_t i, const es_result *r, es_err *e) {
  sweep *w = arg;
  int rc = i % w->n ? 0 : begin_point(w, i / w->n, e);
  if (!rc)
    rc = repl_add(w->cur, r, e);
  if (!rc && i % w->n == w->n - 1)
    rc = repl_finish(w->cur, e);
  if (!rc && ferror(stdout)) /* a full disk: stop now, not after every point */
    rc = es_fail(e, ES_ERUNTIME, "edgesim: writing results to stdout failed");
  if (rc || i % w->n == w->n - 1) {
    repl_free(w->cur);
    w->cur = NULL;
    end_point(w, i / w->n);
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
    if (!rc && c->has_seed && !strcmp(w->ax[k].path, "seed"))
      rc = es_fail(e, ES_EINPUT,
                   "edgesim sweep: --vary seed and --seed both give the base seed (drop "
                   "--seed: each point then runs with its own seed)");
    for (size_t j = 0; j < k && !rc; j++)
      if (!strcmp(w->ax[j].path, w->ax[k].path))
        rc = es_fail(e, ES_EINPUT,
                     "edgesim sweep: --vary %s: given twice (put all its values "
                     "in one --vary)",
                     w->ax[k].path);
  }
  if (!rc)
    rc = count_points(w, e);
  if (!rc)
    rc = ifile_read(c->scenario, "a JSON file", &w->text, &w->len, e);
  /* Every point is valid before the first runs (then freed: O(1) memory). */
  size_t ninst0 = 0;
  for (size_t p = 0; p < w->npoints && !rc; p++) {
    scn *s = NULL;
    rc = load_point(w, p, &s, e);
    if (!rc) /* a group one point reports, every row reports: one header */
      w->groups |= es_metric_groups(s);
    if (!rc && p == 0)
      ninst0 = s->ninst;
    scn_free(s);
  }
  if (!rc && c->metrics)
    rc = ms_parse_g(c->metrics, ninst0, (ES_MG_ALL & ~ES_MG_SVC) | w->groups, &w->sel, e);
  w->lead_max = lead_bound(w);
  w->nring = 2 * (size_t)c->jobs + 2;
  if (!rc && (!(w->names = malloc(w->lead_max)) || !(w->values = malloc(w->lead_max)) ||
              !(w->ring = calloc(w->nring, sizeof *w->ring)) ||
              !(w->ring_point = calloc(w->nring, sizeof *w->ring_point))))
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (!rc)
    lead(w, (size_t)-1, w->names);
  return rc;
}

static void destroy(sweep *w) {
  for (size_t r = 0; w->ring && r < w->nring; r++)
    scn_free(w->ring[r]);
  for (size_t k = 0; w->ax && k < w->nax; k++) {
    free(w->ax[k].buf);
    free(w->ax[k].val);
  }
  free(w->ring);
  free(w->ring_point);
  free(w->ax);
  free(w->text);
  free(w->names);
  free(w->values);
  ms_free(&w->sel);
  repl_free(w->cur);
}

int cli_sweep(const cli *c, es_err *e) {
  sweep w = {.c = c, .n = c->reps};
  pthread_mutex_init(&w.mu, NULL);
  int rc = prepare(&w, e);
  if (!rc)
    rc = bat_run(w.npoints * w.n, c->jobs, &c->run, task, sink, &w, e);
  destroy(&w);
  pthread_mutex_destroy(&w.mu);
  return rc;
}
