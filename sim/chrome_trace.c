/* chrome_trace.c: the --trace writer (chrome_trace.h).
 *
 * Processes: device i is pid i + 1 (tid = slot), the cloud pid n + 1
 * (tid = lane), "dispatch" pid n + 2 (rejections no device could take, and
 * the note of a cut). A process's and a track's metadata are written just
 * before their first event, so a small trace of a large cluster stays
 * small. A request's slice is written when it completes (so a service
 * model that changes completion times still draws them right), or at the
 * end of the run, with its planned end, if it was still in flight. Times
 * are printed from integer nanoseconds, so a slice that ends when the next
 * one on its track starts never overlaps it by a rounding. With queues or
 * shared service (svc.h) a device also gets an "in service" counter, its
 * "queue" counter, an instant per request that joins its queue, and
 * time-outs as rejections; a slice spans the request's service (from its
 * start, after any wait) and says its arrival and wait in its args. With
 * model_switch a swap is an instant on its device when it is decided and a
 * slice "load TO" on slot 0 while the LM loads (the device has drained:
 * no request slice overlaps it). */
#include "chrome_trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "report.h"

typedef struct ctrace {
  obs o; /* first: the observer chain points here */
  FILE *f;
  uint64_t limit, count; /* events allowed, written (the cut note aside) */
  int cut;
  double cut_t;
  obs_slots sl;
  unsigned char *dev_seen, *slot_seen; /* metadata written */
  uint64_t *used;                      /* per device: `used` as of its last counter */
  double *lane_end;                    /* cloud lanes: planned end of their last request */
  size_t nlanes, lanecap;
  int cloud_seen, disp_seen;
  size_t n; /* devices */
  const scn *s;
  uint64_t seed;
} ctrace;

/* ---- writing ------------------------------------------------------------------ */

/* t seconds as microseconds, from integer nanoseconds. */
static void put_us(FILE *f, long long ns) { fprintf(f, "%lld.%03lld", ns / 1000, ns % 1000); }
static long long to_ns(double t) { return llround(t * 1e9); }

/* Starts one event: the separator and the common fields. */
static void begin(ctrace *w, const char *ph, const char *name, size_t pid, size_t tid, double t) {
  fputs(w->count || w->cut ? ",\n{" : "{", w->f);
  fprintf(w->f, "\"ph\":\"%s\",\"name\":", ph);
  rep_json_string(w->f, name);
  fprintf(w->f, ",\"pid\":%zu,\"tid\":%zu,\"ts\":", pid, tid);
  put_us(w->f, to_ns(t));
  w->count++;
}

static void meta(ctrace *w, const char *what, size_t pid, size_t tid, const char *key,
                 const char *str, long num) {
  begin(w, "M", what, pid, tid, 0);
  fprintf(w->f, ",\"args\":{\"%s\":", key);
  if (str)
    rep_json_string(w->f, str);
  else
    fprintf(w->f, "%ld", num);
  fputs("}}", w->f);
}

static void process(ctrace *w, size_t pid, const char *name, const char *labels, long sort) {
  meta(w, "process_name", pid, 0, "name", name, 0);
  if (labels)
    meta(w, "process_labels", pid, 0, "labels", labels, 0);
  meta(w, "process_sort_index", pid, 0, "sort_index", NULL, sort);
}

/* 1 if k more events fit under the limit; else cuts the trace at t (once:
 * a global instant event, beyond the limit) and returns 0. */
static int room(ctrace *w, uint64_t k, double t) {
  if (w->cut)
    return 0;
  if (w->count + k <= w->limit)
    return 1;
  char note[160];
  snprintf(note, sizeof note,
           "trace cut: --trace-limit %llu events reached at t=%.6f s; the run went on untraced",
           (unsigned long long)w->limit, t);
  begin(w, "i", note, w->n + 2, 0, t);
  fputs(",\"s\":\"g\"}", w->f);
  w->count--; /* the note is not one of the `limit` events */
  w->cut = 1;
  w->cut_t = t;
  return 0;
}

/* Metadata events device i still needs before its next event on `slot`
 * (-1: a process-level event). */
static uint64_t dev_meta_need(const ctrace *w, size_t i, long slot) {
  uint64_t k = w->dev_seen[i] ? 0 : 3;
  if (slot >= 0 && !w->slot_seen[w->sl.base[i] + (size_t)slot])
    k++;
  return k;
}

static void dev_meta(ctrace *w, const run *u, size_t i, long slot) {
  if (!w->dev_seen[i]) {
    const scn_device *sd = &u->s->dev[u->devs[i].spec];
    char labels[128];
    int k = snprintf(labels, sizeof labels, "C=%llu W=%.10g P=%llu",
                     (unsigned long long)sd->token_capacity, sd->lim.window_s,
                     (unsigned long long)sd->max_parallel);
    if (u->sv && sd->queue_max && k > 0 && (size_t)k < sizeof labels)
      snprintf(labels + k, sizeof labels - (size_t)k, " Q=%llu", (unsigned long long)sd->queue_max);
    process(w, i + 1, u->r->dev[i].name, labels, (long)i);
    w->dev_seen[i] = 1;
  }
  if (slot >= 0 && !w->slot_seen[w->sl.base[i] + (size_t)slot]) {
    char name[32];
    snprintf(name, sizeof name, "slot %ld", slot);
    meta(w, "thread_name", i + 1, (size_t)slot, "name", name, 0);
    w->slot_seen[w->sl.base[i] + (size_t)slot] = 1;
  }
}

/* The window counter of device i at t. */
static void counter(ctrace *w, const run *u, size_t i, double t, uint64_t used) {
  w->used[i] = used;
  if (!room(w, dev_meta_need(w, i, -1) + 1, t))
    return;
  dev_meta(w, u, i, -1);
  begin(w, "C", "window tokens", i + 1, 0, t);
  fprintf(w->f, ",\"args\":{\"used\":%llu}}", (unsigned long long)used);
}

/* With queues or shared service: device i's requests holding a slot (and
 * decoding, under shared service, counting `joining` about to) at t. */
static void in_service(ctrace *w, const run *u, size_t i, double t, uint32_t joining) {
  if (!u->sv || !room(w, dev_meta_need(w, i, -1) + 1, t))
    return;
  dev_meta(w, u, i, -1);
  begin(w, "C", "in service", i + 1, 0, t);
  fprintf(w->f, ",\"args\":{\"requests\":%u", u->devs[i].inflight);
  if (u->sv->shared[i])
    fprintf(w->f, ",\"decoding\":%u", u->sv->sh[i].ndec + joining);
  fputs("}}", w->f);
}

/* The slice of the request in device i's slot k (index in sl), ending at t. */
static void slice(ctrace *w, const run *u, size_t i, size_t k, uint64_t id, double t, int late) {
  long slot = (long)(k - w->sl.base[i]);
  if (!room(w, dev_meta_need(w, i, slot) + 1, t))
    return;
  dev_meta(w, u, i, slot);
  char name[32];
  snprintf(name, sizeof name, "#%llu", (unsigned long long)id);
  begin(w, "X", name, i + 1, (size_t)slot, w->sl.start[k]);
  fputs(",\"cat\":\"edge\",\"dur\":", w->f);
  put_us(w->f, to_ns(t) - to_ns(w->sl.start[k]));
  fprintf(w->f, ",\"args\":{\"tokens\":%llu,\"prompt_tokens\":%llu,\"latency_s\":%.9g",
          (unsigned long long)w->sl.tok[k], (unsigned long long)w->sl.ptok[k], t - w->sl.start[k]);
  if (u->sv) /* svc.h: a queue's wait before it; shared service: its first token */
    fprintf(w->f, ",\"arrived_s\":%.9g,\"wait_s\":%.9g", w->sl.arr[k],
            w->sl.start[k] - w->sl.arr[k]);
  if (u->sv && u->sv->shared[i])
    fprintf(w->f, ",\"first_token_s\":%.9g,\"ttft_s\":%.9g", w->sl.first[k],
            w->sl.first[k] - w->sl.arr[k]);
  fprintf(w->f, "%s}}", late ? ",\"after_horizon\":true" : "");
}

/* ---- hooks -------------------------------------------------------------------- */

static void on_start(obs *o, const run *u, double t) {
  ctrace *w = (ctrace *)o;
  (void)t;
  w->seed = u->r->seed;
  fputs("{\"traceEvents\":[\n", w->f);
}

static void on_done(obs *o, const run *u, double t, size_t i, uint64_t id) {
  ctrace *w = (ctrace *)o;
  if (w->cut) /* nothing more is written: no more bookkeeping either */
    return;
  long k = id ? obs_slots_release_id(&w->sl, i, id) : obs_slots_release(&w->sl, i, t, &id);
  if (k >= 0 && id)
    slice(w, u, i, w->sl.base[i] + (size_t)k, id, t, 0);
  in_service(w, u, i, t, 0);
}

static void on_expire(obs *o, const run *u, double t, size_t i, uint64_t tok) {
  ctrace *w = (ctrace *)o;
  if (w->cut)
    return;
  counter(w, u, i, t, tok ? w->used[i] - tok : u->devs[i].used);
}

static void on_admit(obs *o, const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
                     double service) {
  ctrace *w = (ctrace *)o;
  if (w->cut)
    return;
  int shared = u->sv && u->sv->shared[i];
  size_t k = w->sl.base[i] +
             obs_slots_take(&w->sl, i, obs_req_id(u), t, shared ? INFINITY : t + service, a);
  w->sl.arr[k] = t_arr;
  w->sl.first[k] = t + service;
  counter(w, u, i, t, u->devs[i].used);
  in_service(w, u, i, t, 0);
}

/* The lowest cloud lane free at t (new lanes as needed); -1 if out of
 * memory. */
static long lane(ctrace *w, double t, double end) {
  size_t k = 0;
  while (k < w->nlanes && w->lane_end[k] > t)
    k++;
  if (k == w->lanecap) {
    size_t cap = w->lanecap ? 2 * w->lanecap : 16;
    double *p = realloc(w->lane_end, cap * sizeof *p);
    if (!p)
      return -1;
    w->lane_end = p, w->lanecap = cap;
  }
  if (k == w->nlanes)
    w->nlanes++;
  w->lane_end[k] = end;
  return (long)k;
}

static void cloud_slice(ctrace *w, const run *u, double t, const wl_arrival *a, uint64_t id) {
  const scn *s = u->s;
  double lat = s->cloud.rtt_s + s->cloud.ttft_s + (double)a->tokens / s->cloud.tgs;
  double usd =
      ((double)a->prompt * s->cloud.price_in + (double)a->tokens * s->cloud.price_out) / 1e6;
  if (w->cut)
    return;
  size_t before = w->nlanes;
  long k = lane(w, t, t + lat);
  uint64_t need = 1 + (w->cloud_seen ? 0 : 2) + (w->nlanes > before);
  if (k < 0 || !room(w, need, t))
    return;
  if (!w->cloud_seen)
    process(w, w->n + 1, "cloud", NULL, (long)w->n), w->cloud_seen = 1;
  if (w->nlanes > before) {
    char name[32];
    snprintf(name, sizeof name, "lane %ld", k);
    meta(w, "thread_name", w->n + 1, (size_t)k, "name", name, 0);
  }
  char name[32];
  snprintf(name, sizeof name, "#%llu", (unsigned long long)id);
  begin(w, "X", name, w->n + 1, (size_t)k, t);
  fputs(",\"cat\":\"cloud\",\"dur\":", w->f);
  put_us(w->f, to_ns(t + lat) - to_ns(t));
  fprintf(w->f,
          ",\"args\":{\"tokens\":%llu,\"prompt_tokens\":%llu,\"latency_s\":%.9g,\"usd\":%.9g}}",
          (unsigned long long)a->tokens, (unsigned long long)a->prompt, lat, usd);
}

static void on_reject(obs *o, const run *u, double t, long picked, const wl_arrival *a,
                      enum obs_reason reason) {
  ctrace *w = (ctrace *)o;
  if (w->cut)
    return;
  size_t pid = picked >= 0 ? (size_t)picked + 1 : w->n + 2;
  uint64_t need = 1 + (picked >= 0 ? dev_meta_need(w, (size_t)picked, -1) : !w->disp_seen * 2u);
  if (!room(w, need, t))
    return;
  if (picked >= 0)
    dev_meta(w, u, (size_t)picked, -1);
  else if (!w->disp_seen)
    process(w, w->n + 2, "dispatch", NULL, (long)w->n + 1), w->disp_seen = 1;
  char name[64];
  snprintf(name, sizeof name, "reject #%llu (%s)", (unsigned long long)obs_req_id(u),
           obs_reason_name(reason));
  begin(w, "i", name, pid, 0, t);
  fprintf(w->f, ",\"s\":\"p\",\"cat\":\"reject\",\"args\":{\"reason\":\"%s\",\"tokens\":%llu",
          obs_reason_name(reason), (unsigned long long)a->tokens);
  if (picked >= 0) {
    const dev *d = &u->devs[picked];
    fprintf(w->f, ",\"used\":%llu,\"C\":%llu,\"inflight\":%u,\"P\":%u", (unsigned long long)d->used,
            (unsigned long long)d->cap_tokens, d->inflight,
            u->sv ? u->sv->q[picked].par : d->max_par); /* svc.h: max_par is 0 while queued */
  }
  fprintf(w->f, ",\"to\":\"%s\"}}", u->s->cloud.enabled ? "cloud" : "dropped");
  if (u->s->cloud.enabled)
    cloud_slice(w, u, t, a, obs_req_id(u));
}

/* The arrival joins device i's queue (called before it does): an instant
 * on the device. */
static void on_wait(obs *o, const run *u, double t, long picked, size_t i, const wl_arrival *a) {
  ctrace *w = (ctrace *)o;
  (void)picked;
  if (w->cut || !room(w, dev_meta_need(w, i, -1) + 1, t))
    return;
  dev_meta(w, u, i, -1);
  char name[48];
  snprintf(name, sizeof name, "queue #%llu", (unsigned long long)obs_req_id(u));
  begin(w, "i", name, i + 1, 0, t);
  fprintf(w->f, ",\"s\":\"p\",\"cat\":\"queue\",\"args\":{\"waiting\":%u,\"tokens\":%llu}}",
          u->sv->q[i].n + 1, (unsigned long long)a->tokens);
}

/* A queued request's deadline: a rejection on its device, then the cloud. */
static void on_timeout(obs *o, const run *u, double t, size_t i, double t_arr,
                       const wl_arrival *a) {
  ctrace *w = (ctrace *)o;
  if (w->cut || !room(w, dev_meta_need(w, i, -1) + 1, t))
    return;
  dev_meta(w, u, i, -1);
  char name[64];
  uint64_t id = obs_req_id(u);
  snprintf(name, sizeof name, "reject #%llu (%s)", (unsigned long long)id,
           obs_reason_name(OBS_DEADLINE));
  begin(w, "i", name, i + 1, 0, t);
  fprintf(w->f,
          ",\"s\":\"p\",\"cat\":\"reject\",\"args\":{\"reason\":\"%s\",\"tokens\":%llu,"
          "\"arrived_s\":%.9g,\"wait_s\":%.9g,\"to\":\"%s\"}}",
          obs_reason_name(OBS_DEADLINE), (unsigned long long)a->tokens, t_arr, t - t_arr,
          u->s->cloud.enabled ? "cloud" : "dropped");
  if (u->s->cloud.enabled)
    cloud_slice(w, u, t, a, id);
}

/* A request started decoding: the device's decoding count changed. */
static void on_first(obs *o, const run *u, double t, size_t i, uint64_t id) {
  ctrace *w = (ctrace *)o;
  (void)id;
  if (!w->cut)
    in_service(w, u, i, t, 1); /* called before it joins the decoding requests */
}

/* model_switch closed device i at t to load `to` over [load_start, load_end]. */
static void on_swap(obs *o, const run *u, double t, size_t i, const char *from, const char *to,
                    double load_start, double load_end) {
  ctrace *w = (ctrace *)o;
  if (w->cut || !room(w, dev_meta_need(w, i, 0) + 2, t))
    return;
  dev_meta(w, u, i, 0);
  char name[2 * SCN_NAME_MAX + 16];
  snprintf(name, sizeof name, "swap %s -> %s", from, to);
  begin(w, "i", name, i + 1, 0, t);
  fprintf(w->f, ",\"s\":\"p\",\"cat\":\"swap\",\"args\":{\"in_flight\":%u}}", u->devs[i].inflight);
  snprintf(name, sizeof name, "load %s", to);
  begin(w, "X", name, i + 1, 0, load_start);
  fputs(",\"dur\":", w->f);
  put_us(w->f, to_ns(load_end) - to_ns(load_start));
  fputs(",\"cat\":\"swap\",\"args\":{\"from\":", w->f);
  rep_json_string(w->f, from);
  fputs(",\"to\":", w->f);
  rep_json_string(w->f, to);
  fputs("}}", w->f);
}

/* The queue engineer's hook: a counter per device, beside the window's. */
static void on_queue(obs *o, const run *u, double t, size_t i, size_t len) {
  ctrace *w = (ctrace *)o;
  if (w->cut)
    return;
  if (!room(w, dev_meta_need(w, i, -1) + 1, t))
    return;
  dev_meta(w, u, i, -1);
  begin(w, "C", "queue", i + 1, 0, t);
  fprintf(w->f, ",\"args\":{\"waiting\":%zu}}", len);
}

/* Requests still in flight at the end: their slices with the planned end. */
static void on_end(obs *o, const run *u, double t) {
  ctrace *w = (ctrace *)o;
  if (w->cut)
    return;
  (void)t;
  for (size_t i = 0; i < w->n; i++)
    for (size_t k = w->sl.base[i]; k < w->sl.base[i + 1]; k++)
      if (w->sl.id[k] && isfinite(w->sl.end[k])) /* shared: no planned end */
        slice(w, u, i, k, w->sl.id[k], w->sl.end[k], 1);
}

static const obs_ops CTRACE_OPS = {
    .start = on_start,
    .done = on_done,
    .expire = on_expire,
    .admit = on_admit,
    .reject = on_reject,
    .queue = on_queue,
    .wait = on_wait,
    .timeout = on_timeout,
    .first = on_first,
    .swap = on_swap,
    .end = on_end,
};

obs *ctrace_new(const scn *s, FILE *f, uint64_t limit, es_err *e) {
  ctrace *w = calloc(1, sizeof *w);
  if (w) {
    w->o.ops = &CTRACE_OPS;
    w->f = f;
    w->limit = limit;
    w->n = s->ninst;
    w->s = s;
    w->dev_seen = calloc(s->ninst, 1);
    w->used = calloc(s->ninst, sizeof *w->used);
    w->slot_seen = calloc(obs_slot_count(s) + 1, 1);
  }
  if (!w || !w->dev_seen || !w->used || !w->slot_seen || obs_slots_init(&w->sl, s)) {
    ctrace_free(w ? &w->o : NULL);
    es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
    return NULL;
  }
  return &w->o;
}

int ctrace_finish(obs *o, double *cut_t) {
  ctrace *w = (ctrace *)o;
  fputs("\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{\"generator\":\"edgesim\",\"scenario\":",
        w->f);
  rep_json_string(w->f, w->s->name);
  fputs(",\"policy\":", w->f);
  rep_json_string(w->f, scn_policy_name(w->s));
  fprintf(w->f, ",\"seed\":\"%llu\",\"events\":%llu,\"limit\":%llu,\"truncated\":%s",
          (unsigned long long)w->seed, (unsigned long long)w->count, (unsigned long long)w->limit,
          w->cut ? "true" : "false");
  if (w->cut)
    fprintf(w->f, ",\"cut_at_s\":%.9g", w->cut_t);
  fputs("}}\n", w->f);
  *cut_t = w->cut_t;
  return w->cut;
}

void ctrace_free(obs *o) {
  ctrace *w = (ctrace *)o;
  if (!w)
    return;
  obs_slots_destroy(&w->sl);
  free(w->dev_seen);
  free(w->slot_seen);
  free(w->used);
  free(w->lane_end);
  free(w);
}
