/* trace_check FILE [EDGE_SLICES]: checks an edgesim --trace file. It must
 * be one strict JSON object (sim/ifile.c, then cJSON) with a traceEvents
 * array whose events are well formed ("ph" one of X C i M, numeric ts,
 * pid, tid, dur >= 0 on slices), and, per device process (labels
 * "C=.. W=.. P=.."):
 *   - slices on one track (tid) never overlap, and tid < P;
 *   - at no time are more than P of its slices open;
 *   - its "window tokens" counter never exceeds C;
 *   - with queues or shared service (labels "... Q=max" for a queue): its
 *     "queue" counter stays in [0, Q], and, unless the trace was cut, at
 *     every time it changes its last value equals the requests that joined
 *     ("queue #ID" instants) minus those that left by then (edge slices
 *     with wait_s > 0 started, "deadline" rejections); its "in service"
 *     counter's last value at each time equals the edge slices open then
 *     (start <= t < end, in integer nanoseconds);
 *   - its "swap" slices (model_switch loading an LM) overlap none of its
 *     edge slices, on any track: a device drains before it loads;
 * and with EDGE_SLICES, the number of "edge" slices equals it (the run's
 * requests.edge_served). Prints one line: "ok: ..." (exit 0) or what
 * failed (exit 1). A test helper for tests/observe.sh. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifile.h"

typedef struct span {
  double a, b;      /* microseconds */
  long long an, bn; /* the same in nanoseconds, from the printed fields */
  long tid;
} span;

/* A counter's value at t, or a change of the queue (+1 joined, -1 left). */
typedef struct sample {
  long long t; /* nanoseconds */
  long v;
  size_t seq; /* file order */
} sample;

typedef struct samples {
  sample *a;
  size_t n, cap;
} samples;

typedef struct proc {
  long pid;
  unsigned long long c, p, qmax; /* from process_labels; 0: not a device (qmax: no queue) */
  span *s;
  size_t n, cap;
  samples sw;         /* swap slices: start and end, nanoseconds, in pairs */
  samples qc, sc, qd; /* queue counter, in-service counter, queue changes */
} proc;

static size_t seq;

static void add(samples *x, long long t, long v) {
  if (x->n == x->cap) {
    x->cap = x->cap ? 2 * x->cap : 64;
    x->a = realloc(x->a, x->cap * sizeof *x->a);
    if (!x->a)
      exit(2);
  }
  x->a[x->n++] = (sample){t, v, seq++};
}

static long long ns(double us) { return llround(us * 1000); }

static proc *procs;
static size_t nprocs;

static int fail(const char *what, long pid) {
  printf("FAIL: %s (pid %ld)\n", what, pid);
  return 1;
}

static proc *find(long pid) {
  for (size_t k = 0; k < nprocs; k++)
    if (procs[k].pid == pid)
      return &procs[k];
  procs = realloc(procs, (nprocs + 1) * sizeof *procs);
  if (!procs)
    exit(2);
  procs[nprocs] = (proc){.pid = pid};
  return &procs[nprocs++];
}

static double num(const cJSON *o, const char *k, int *ok) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  if (!cJSON_IsNumber(v))
    *ok = 0;
  return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int by_start(const void *x, const void *y) {
  const span *a = x, *b = y;
  return a->a < b->a ? -1 : a->a > b->a;
}

/* A slice's start (+1) or end (-1); at equal times ends come first, since
 * a slot that frees at t takes the next request at t. */
typedef struct edge {
  double t;
  int d;
} edge;

static int by_time(const void *x, const void *y) {
  const edge *a = x, *b = y;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  return a->d - b->d;
}

/* Slices of one device: per track no overlap; at most P open at once. */
static int check_proc(proc *q) {
  if (!q->p || !q->n)
    return q->n ? fail("slices on a device without labels", q->pid) : 0;
  qsort(q->s, q->n, sizeof *q->s, by_start);
  for (size_t j = 0; j + 1 < q->sw.n; j += 2)
    for (size_t k = 0; k < q->n; k++)
      if (q->s[k].an < q->sw.a[j + 1].t && q->sw.a[j].t < q->s[k].bn)
        return fail("a request slice overlaps its device's swap", q->pid);
  double *ends = calloc(q->p, sizeof *ends); /* per track: end of its last slice */
  edge *x = malloc(2 * q->n * sizeof *x + 1);
  if (!ends || !x)
    exit(2);
  int bad = 0;
  for (size_t k = 0; k < q->n && !bad; k++) {
    const span *s = &q->s[k];
    if (s->tid < 0 || (unsigned long long)s->tid >= q->p)
      bad = fail("a slice on a track >= P", q->pid);
    else if (ends[s->tid] > s->a)
      bad = fail("two slices overlap on one track", q->pid);
    else
      ends[s->tid] = s->b;
    x[2 * k] = (edge){s->a, 1};
    x[2 * k + 1] = (edge){s->b, -1};
  }
  qsort(x, 2 * q->n, sizeof *x, by_time);
  long open = 0;
  for (size_t k = 0; k < 2 * q->n && !bad; k++)
    if ((open += x[k].d) > (long)q->p)
      bad = fail("more slices open than slots", q->pid);
  free(ends);
  free(x);
  return bad;
}

static int by_t_seq(const void *x, const void *y) {
  const sample *a = x, *b = y;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The counters of one device against its slices and queue events: the
 * last sample of each time against the count at that time. */
static void sort(samples *x) {
  if (x->n) /* qsort(NULL, 0, ...) is undefined */
    qsort(x->a, x->n, sizeof *x->a, by_t_seq);
}

static int check_counters(proc *q) {
  sort(&q->qc);
  sort(&q->sc);
  sort(&q->qd);
  size_t j = 0;
  long waiting = 0;
  for (size_t k = 0; k < q->qc.n; k++) {
    const sample *c = &q->qc.a[k];
    if (k + 1 < q->qc.n && q->qc.a[k + 1].t == c->t)
      continue; /* not the last at its time */
    while (j < q->qd.n && q->qd.a[j].t <= c->t)
      waiting += q->qd.a[j++].v;
    if (c->v != waiting)
      return fail("a queue counter differs from joins minus starts and time-outs", q->pid);
  }
  for (size_t k = 0; k < q->sc.n; k++) {
    const sample *c = &q->sc.a[k];
    if (k + 1 < q->sc.n && q->sc.a[k + 1].t == c->t)
      continue;
    long open = 0;
    for (size_t m = 0; m < q->n; m++) /* O(slices x samples): small traces */
      open += q->s[m].an <= c->t && c->t < q->s[m].bn;
    if (c->v != open)
      return fail("an in-service counter differs from the slices open", q->pid);
  }
  return 0;
}

static int event(const cJSON *ev, size_t *edge) {
  int ok = 1;
  const cJSON *ph = cJSON_GetObjectItemCaseSensitive(ev, "ph");
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(ev, "name");
  const cJSON *args = cJSON_GetObjectItemCaseSensitive(ev, "args");
  long pid = (long)num(ev, "pid", &ok), tid = (long)num(ev, "tid", &ok);
  double ts = num(ev, "ts", &ok);
  if (!ok || !cJSON_IsString(ph) || !cJSON_IsString(name) || ts < 0)
    return fail("an event without ph, name, pid, tid or ts", pid);
  proc *q = find(pid);
  const char *p = ph->valuestring;
  if (!strcmp(p, "M") && !strcmp(name->valuestring, "process_labels")) {
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(args, "labels");
    double w;
    if (!cJSON_IsString(l) ||
        sscanf(l->valuestring, "C=%llu W=%lf P=%llu Q=%llu", &q->c, &w, &q->p, &q->qmax) < 3)
      return fail("process_labels without C= W= P=", pid);
  } else if (!strcmp(p, "C") && !strcmp(name->valuestring, "queue")) {
    double v = num(args, "waiting", &ok);
    if (!ok || !q->qmax || v < 0 || v > (double)q->qmax)
      return fail("a queue counter outside [0, Q] (or before the labels)", pid);
    add(&q->qc, ns(ts), (long)v);
  } else if (!strcmp(p, "C") && !strcmp(name->valuestring, "in service")) {
    double v = num(args, "requests", &ok);
    if (!ok || !q->p || v < 0 || v > (double)q->p)
      return fail("an in-service counter outside [0, P] (or before the labels)", pid);
    add(&q->sc, ns(ts), (long)v);
  } else if (!strcmp(p, "i") && !strncmp(name->valuestring, "queue #", 7)) {
    add(&q->qd, ns(ts), 1);
  } else if (!strcmp(p, "i") && strstr(name->valuestring, "(deadline)")) {
    add(&q->qd, ns(ts), -1);
  } else if (!strcmp(p, "C") && !strcmp(name->valuestring, "window tokens")) {
    double used = num(args, "used", &ok);
    if (!ok || !q->c || used > (double)q->c || used < 0)
      return fail("a window counter above C (or before the labels)", pid);
  } else if (!strcmp(p, "X")) {
    double dur = num(ev, "dur", &ok);
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(ev, "cat");
    if (!ok || dur < 0 || !cJSON_IsString(cat))
      return fail("a slice without dur >= 0 or cat", pid);
    if (!strcmp(cat->valuestring, "edge")) {
      if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->s = realloc(q->s, q->cap * sizeof *q->s);
        if (!q->s)
          exit(2);
      }
      q->s[q->n++] = (span){ts, ts + dur, ns(ts), ns(ts) + ns(dur), tid};
      ++*edge;
      double wait = num(args, "wait_s", &ok);
      if (ok && wait > 0) /* it left a queue when it started */
        add(&q->qd, ns(ts), -1);
    } else if (!strcmp(cat->valuestring, "swap")) {
      add(&q->sw, ns(ts), 0);
      add(&q->sw, ns(ts) + ns(dur), 0);
    }
  } else if (strcmp(p, "M") && strcmp(p, "C") && strcmp(p, "i")) {
    return fail("an event whose ph is not X, C, i or M", pid);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: trace_check FILE [EDGE_SLICES]\n");
    return 2;
  }
  char *buf = NULL;
  size_t len = 0, edge = 0;
  cJSON *root = NULL;
  es_err e = {0};
  FILE *f = ifile_open(argv[1], "a trace", 0, &e);
  if (f) { /* any size: a trace may be larger than an input file */
    fseek(f, 0, SEEK_END);
    len = (size_t)ftell(f);
    rewind(f);
    buf = malloc(len + 1);
    if (!buf || fread(buf, 1, len, f) != len)
      exit(2);
    buf[len] = 0;
    fclose(f);
  }
  if (!f || ifile_parse_json(argv[1], buf, len, &root, &e)) {
    printf("FAIL: %s\n", e.msg);
    free(buf);
    return 1;
  }
  free(buf);
  const cJSON *evs = cJSON_GetObjectItemCaseSensitive(root, "traceEvents"), *ev;
  int bad = !cJSON_IsArray(evs) && fail("no traceEvents array", -1);
  if (!bad)
    cJSON_ArrayForEach(ev, evs) if ((bad = event(ev, &edge))) break;
  const cJSON *od = cJSON_GetObjectItemCaseSensitive(root, "otherData");
  int cut = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(od, "truncated"));
  for (size_t k = 0; k < nprocs && !bad; k++)
    bad = check_proc(&procs[k]) || (!cut && check_counters(&procs[k]));
  if (!bad && argc == 3 && edge != strtoull(argv[2], NULL, 10)) {
    printf("FAIL: %zu edge slices, want %s\n", edge, argv[2]);
    bad = 1;
  }
  if (!bad)
    printf("ok: %d events, %zu edge slices, %zu processes\n", cJSON_GetArraySize(evs), edge,
           nprocs);
  for (size_t k = 0; k < nprocs; k++)
    free(procs[k].s), free(procs[k].sw.a), free(procs[k].qc.a), free(procs[k].sc.a),
        free(procs[k].qd.a);
  free(procs);
  cJSON_Delete(root);
  return bad;
}
