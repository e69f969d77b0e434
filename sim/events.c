/* events.c: the --events log (events.h). One line per event:
 *   t=T arrive #ID tok=K prompt=Q -> DEV (POLICY, free F): TESTS: admitted to slot S, done at t=E
 *   t=T arrive #ID tok=K prompt=Q -> DEV (POLICY, free F): TESTS: rejected (REASON) -> cloud ...
 *   t=T arrive #ID tok=K prompt=Q -> none (POLICY: no device admits): rejected (no device) -> ...
 *   t=T done #ID on DEV slot S: inflight N/P=M
 *   t=T expire DEV -K (admitted at t=A): window U/C=N
 * where TESTS is the admission rule on the picked device, each relation as
 * it holds: "inflight 1 < P=2 ok, window 200+100=300 > C=250 full".
 * With queues or shared service (svc.h) also:
 *   t=T arrive ...: TESTS, queue N/max=M: queued (N+1 waiting), deadline at t=X
 *   t=T start #ID on DEV slot S after waiting W s (arrived t=A): ...
 *   t=T timeout #ID on DEV after waiting W s (arrived t=A): queue N waiting -> ...
 *   t=T first token #ID on DEV slot S: decoding N at R tok/s each
 * With routing.strategy model_switch also:
 *   t=T swap DEV FROM -> TO: closed, N in flight to drain, loading t=S..E (L s)
 * Lines of completions, expiries, starts, time-outs, first tokens and swaps wait
 * in `pend` until the next arrival (the engine reports expiries in a
 * second pass) and leave sorted by time, in report order at equal times. */
#include "events.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "observe.h"

typedef struct pend {
  double t;
  size_t seq, off, len; /* order of report; the text in buf[off, off + len) */
} pend;

typedef struct evlog {
  obs o; /* first: the observer chain points here */
  FILE *f;
  obs_slots sl;
  uint64_t *used; /* per device: `used` as of its last reported event */
  int open;       /* the current arrival's line awaits its outcome */
  char *buf;      /* pending lines' text */
  size_t len, cap;
  pend *p;
  size_t np, pcap;
  int oom; /* a pending line was lost: reported at the end */
} evlog;

static const char *name(const run *u, size_t i) { return u->r->dev[i].name; }

/* Appends one pending line at time t. */
static void hold(evlog *l, double t, const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  size_t k = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  if (l->len + k > l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 4096;
    while (cap < l->len + k)
      cap *= 2;
    char *b = realloc(l->buf, cap);
    if (!b) {
      l->oom = 1;
      return;
    }
    l->buf = b, l->cap = cap;
  }
  if (l->np == l->pcap) {
    size_t cap = l->pcap ? 2 * l->pcap : 64;
    pend *p = realloc(l->p, cap * sizeof *p);
    if (!p) {
      l->oom = 1;
      return;
    }
    l->p = p, l->pcap = cap;
  }
  memcpy(l->buf + l->len, line, k);
  l->p[l->np] = (pend){t, l->np, l->len, k};
  l->np++, l->len += k;
}

static int by_time(const void *a, const void *b) {
  const pend *x = a, *y = b;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush(evlog *l) {
  if (!l->np)
    return;
  qsort(l->p, l->np, sizeof *l->p, by_time);
  for (size_t k = 0; k < l->np; k++) {
    fwrite(l->buf + l->p[k].off, 1, l->p[k].len, l->f);
    fputc('\n', l->f);
  }
  l->np = l->len = 0;
}

/* ---- hooks ------------------------------------------------------------------ */

/* The device line's service part under shared service (svc.h). */
static void shared_header(evlog *l, const scn_device *sd) {
  fputs("shared service A(n) tok/s:", l->f);
  for (size_t k = 0; k < sd->ncurve; k++)
    fprintf(l->f, "%s n=%.10g %.10g", k ? "," : "", sd->curve_n[k], sd->curve_a[k]);
  fprintf(l->f, " (linear between, flat beyond), prefill %.10g s + prompt / %.10g tok/s",
          sd->prefill_overhead_s, sd->prefill_tps);
}

static void queue_header(evlog *l, const scn_device *sd) {
  fprintf(l->f, ", queue max %llu, ", (unsigned long long)sd->queue_max);
  if (sd->queue_deadline_s > 0)
    fprintf(l->f, "deadline %.10g s", sd->queue_deadline_s);
  else
    fputs("no deadline", l->f);
  if (sd->queue_discipline == SCN_QUEUE_SJF)
    fputs(", sjf", l->f);
}

static void on_start(obs *o, const run *u, double t) {
  evlog *l = (evlog *)o;
  const scn *s = u->s;
  (void)t;
  fprintf(l->f, "# edgesim events: scenario %s, seed %llu, policy %s, %zu device%s, cloud %s\n",
          s->name, (unsigned long long)u->r->seed, scn_policy_name(s), u->n, u->n == 1 ? "" : "s",
          s->cloud.enabled ? "on" : "off (rejected requests are dropped)");
  for (size_t i = 0; i < u->n; i++) {
    const scn_device *sd = &s->dev[u->devs[i].spec];
    fprintf(l->f, "# device %s: C=%llu tokens per W=%.10g s (%s), P=%llu, ", name(u, i),
            (unsigned long long)sd->token_capacity, sd->lim.window_s, scn_limiter_name(&sd->lim),
            (unsigned long long)sd->max_parallel);
    if (u->sv && u->sv->shared[i])
      shared_header(l, sd);
    else
      fprintf(l->f, "service %.10g s + tokens / %.10g tok/s", sd->ttft_s, sd->tgs);
    if (u->sv && sd->queue_max)
      queue_header(l, sd);
    fputc('\n', l->f);
  }
  if (s->cloud.enabled)
    fprintf(l->f,
            "# cloud: $ = (prompt x %.10g + tok x %.10g) / 1e6, latency %.10g + %.10g + tok / "
            "%.10g s\n",
            s->cloud.price_in, s->cloud.price_out, s->cloud.rtt_s, s->cloud.ttft_s, s->cloud.tgs);
}

/* P of device i: the entry's (max_par is 0 while a queue closes it). */
static uint32_t par(const run *u, size_t i) { return u->sv ? u->sv->q[i].par : u->devs[i].max_par; }

/* ", decoding N at R tok/s each" (", decoding 0") on a shared-service
 * device, else "". */
static const char *decoding(const run *u, size_t i, char *buf, size_t len) {
  buf[0] = 0;
  const s_dev *h = u->sv && u->sv->shared[i] ? &u->sv->sh[i] : NULL;
  if (h && h->ndec)
    snprintf(buf, len, ", decoding %u at %.6g tok/s each", h->ndec, h->r);
  else if (h)
    snprintf(buf, len, ", decoding 0");
  return buf;
}

static void on_done(obs *o, const run *u, double t, size_t i, uint64_t id) {
  evlog *l = (evlog *)o;
  long k = id ? obs_slots_release_id(&l->sl, i, id) : obs_slots_release(&l->sl, i, t, &id);
  char dec[64];
  hold(l, t, "t=%.3f done #%llu on %s slot %ld: inflight %u/P=%u%s", t, (unsigned long long)id,
       name(u, i), k, u->devs[i].inflight, par(u, i), decoding(u, i, dec, sizeof dec));
}

static void on_expire(obs *o, const run *u, double t, size_t i, uint64_t tok) {
  evlog *l = (evlog *)o;
  const dev *d = &u->devs[i];
  if (!tok) { /* a limiter kind without a log: its `used` is current */
    l->used[i] = d->used;
    char w[40] = ""; /* adaptive windows (adapt.h): W moves; show it */
    if (u->ad)
      snprintf(w, sizeof w, ", W=%.4g s", u->lims.g[d->grp].w);
    hold(l, t, "t=%.3f expire %s: window %llu/C=%llu%s", t, name(u, i),
         (unsigned long long)l->used[i], (unsigned long long)d->cap_tokens, w);
    return;
  }
  l->used[i] -= tok;
  hold(l, t, "t=%.3f expire %s -%llu (admitted at t=%.3f): window %llu/C=%llu", t, name(u, i),
       (unsigned long long)tok, t - u->s->dev[d->spec].lim.window_s, (unsigned long long)l->used[i],
       (unsigned long long)d->cap_tokens);
}

static void on_arrive(obs *o, const run *u, double t, const wl_arrival *a) {
  evlog *l = (evlog *)o;
  (void)u;
  flush(l);
  l->open = 1;
  fprintf(l->f, "t=%.3f arrive #%llu tok=%llu prompt=%llu -> ", t, (unsigned long long)u->obs_n,
          (unsigned long long)a->tokens, (unsigned long long)a->prompt);
}

/* The picked device and both tests of the admission rule, with the values
 * before the decision: `inflight` requests in flight, `used` tokens, and
 * with queues `qn` requests waiting (a non-empty queue closes the device:
 * a newcomer joins it) and whether the device is down. */
static void tests(evlog *l, const run *u, size_t i, uint64_t inflight, uint64_t used, uint64_t tok,
                  uint32_t qn) {
  const dev *d = &u->devs[i];
  uint64_t c = d->cap_tokens;
  uint32_t p = par(u, i);
  fprintf(l->f, "%s (%s, free %.3f): inflight %llu %s P=%u %s, window %llu+%llu=%llu %s C=%llu %s",
          name(u, i), scn_policy_name(u->s), (double)(c - (used < c ? used : c)) / (double)c,
          (unsigned long long)inflight, inflight < p ? "<" : ">=", p, inflight < p ? "ok" : "full",
          (unsigned long long)used, (unsigned long long)tok, (unsigned long long)(used + tok),
          used + tok <= c ? "<=" : ">", (unsigned long long)c, used + tok <= c ? "ok" : "full");
  if (u->sv && u->sv->q[i].max)
    fprintf(l->f, ", queue %u/max=%u", qn, u->sv->q[i].max);
  if (u->sv && (d->closed & DEV_CLOSED_FAULT))
    fputs(", down", l->f);
}

static uint32_t qlen(const run *u, size_t i) { return u->sv ? u->sv->q[i].n : 0; }

/* "done at t=E" (fixed service) or "first token at t=F" (shared). */
static void outcome(char *buf, size_t len, const run *u, size_t i, double t, double service) {
  snprintf(buf, len, "%s at t=%.3f", u->sv && u->sv->shared[i] ? "first token" : "done",
           t + service);
}

/* " -> cloud $USD, done at t=E" or " -> dropped": where a rejected
 * request of `a` goes at t (the paper's cloud). */
static void to_cloud(char *buf, size_t len, const run *u, double t, const wl_arrival *a) {
  const scn *s = u->s;
  if (!s->cloud.enabled) {
    snprintf(buf, len, " -> dropped");
    return;
  }
  double usd =
      ((double)a->prompt * s->cloud.price_in + (double)a->tokens * s->cloud.price_out) / 1e6;
  double lat = s->cloud.rtt_s + s->cloud.ttft_s + (double)a->tokens / s->cloud.tgs;
  snprintf(buf, len, " -> cloud $%.6f, done at t=%.3f", usd, t + lat);
}

static void on_admit(obs *o, const run *u, double t, size_t i, double t_arr, const wl_arrival *a,
                     double service) {
  evlog *l = (evlog *)o;
  const dev *d = &u->devs[i];
  uint64_t id = obs_req_id(u);
  int shared = u->sv && u->sv->shared[i];
  size_t k = obs_slots_take(&l->sl, i, id, t, shared ? INFINITY : t + service, a);
  char out[64];
  outcome(out, sizeof out, u, i, t, service);
  l->used[i] = d->used;
  if (!l->open || id != u->obs_n) { /* a queue head starts (svc.h) */
    hold(l, t,
         "t=%.3f start #%llu on %s slot %zu after waiting %.3f s (arrived t=%.3f): inflight "
         "%u/P=%u, window %llu/C=%llu, queue %u waiting: %s",
         t, (unsigned long long)id, name(u, i), k, t - t_arr, t_arr, d->inflight, par(u, i),
         (unsigned long long)d->used, (unsigned long long)d->cap_tokens, qlen(u, i), out);
    return;
  }
  /* called after the admission: the values the test saw are one request
   * and a->tokens less */
  tests(l, u, i, d->inflight - 1, d->used - a->tokens, a->tokens, qlen(u, i));
  fprintf(l->f, ": admitted to slot %zu, %s\n", k, out);
  l->open = 0;
}

static void on_reject(obs *o, const run *u, double t, long picked, const wl_arrival *a,
                      enum obs_reason reason) {
  evlog *l = (evlog *)o;
  char where[80];
  to_cloud(where, sizeof where, u, t, a);
  if (reason == OBS_ROUTED) { /* before dispatch: no device was tried */
    fprintf(l->f, "routing %s, difficulty %.4g: to the cloud%s\n", u->s->rt.ops->h.name, u->rq.d,
            where);
    l->open = 0;
    return;
  }
  if (picked >= 0)
    tests(l, u, (size_t)picked, u->devs[picked].inflight, u->devs[picked].used, a->tokens,
          qlen(u, (size_t)picked));
  else
    fprintf(l->f, "none (%s: no device admits)", scn_policy_name(u->s));
  fprintf(l->f, ": rejected (%s)%s\n", obs_reason_name(reason), where);
  l->open = 0;
}

/* The arrival joins device i's queue (picked: the policy's device, or -1
 * when the fallback chose i). */
static void on_wait(obs *o, const run *u, double t, long picked, size_t i, const wl_arrival *a) {
  evlog *l = (evlog *)o;
  const q_dev *q = &u->sv->q[i];
  if (picked >= 0)
    tests(l, u, i, u->devs[i].inflight, u->devs[i].used, a->tokens, q->n);
  else
    fprintf(l->f, "none (%s: no device admits)", scn_policy_name(u->s));
  fprintf(l->f, ": queued%s%s (%u waiting)", picked >= 0 ? "" : " on ",
          picked >= 0 ? "" : name(u, i), q->n + 1); /* called before it joins */
  if (q->deadline > 0)
    fprintf(l->f, ", deadline at t=%.3f", t + q->deadline);
  fputc('\n', l->f);
  l->open = 0;
}

static void on_timeout(obs *o, const run *u, double t, size_t i, double t_arr,
                       const wl_arrival *a) {
  evlog *l = (evlog *)o;
  char where[80];
  to_cloud(where, sizeof where, u, t, a);
  hold(l, t, "t=%.3f timeout #%llu on %s after waiting %.3f s (arrived t=%.3f): queue %u waiting%s",
       t, (unsigned long long)obs_req_id(u), name(u, i), t - t_arr, t_arr, qlen(u, i), where);
}

static void on_swap(obs *o, const run *u, double t, size_t i, const char *from, const char *to,
                    double load_start, double load_end) {
  evlog *l = (evlog *)o;
  hold(l, t,
       "t=%.3f swap %s %s -> %s: closed, %u in flight to drain, loading t=%.3f..%.3f (%.3f s)", t,
       name(u, i), from, to, u->devs[i].inflight, load_start, load_end, load_end - load_start);
}

static void on_first(obs *o, const run *u, double t, size_t i, uint64_t id) {
  evlog *l = (evlog *)o;
  const s_dev *h = &u->sv->sh[i];
  uint32_t n = h->ndec + 1; /* called before it joins: the count and rate it joins with */
  hold(l, t, "t=%.3f first token #%llu on %s slot %ld: decoding %u at %.6g tok/s each", t,
       (unsigned long long)id, name(u, i), obs_slots_find(&l->sl, i, id), n,
       sv_curve_at(h->cn, h->ca, h->nc, n) / n);
}

static void on_end(obs *o, const run *u, double t) {
  evlog *l = (evlog *)o;
  (void)u, (void)t;
  flush(l);
  if (l->oom)
    fputs("# (out of memory: some done or expire lines are missing)\n", l->f);
  fputc('\n', l->f);
}

static const obs_ops EVLOG_OPS = {
    .start = on_start,
    .done = on_done,
    .expire = on_expire,
    .arrive = on_arrive,
    .admit = on_admit,
    .reject = on_reject,
    .wait = on_wait,
    .timeout = on_timeout,
    .first = on_first,
    .swap = on_swap,
    .end = on_end,
};

obs *evlog_new(const scn *s, FILE *f, es_err *e) {
  evlog *l = calloc(1, sizeof *l);
  if (l) {
    l->o.ops = &EVLOG_OPS;
    l->f = f;
    l->used = calloc(s->ninst, sizeof *l->used);
  }
  if (!l || !l->used || obs_slots_init(&l->sl, s)) {
    evlog_free(l ? &l->o : NULL);
    es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
    return NULL;
  }
  return &l->o;
}

void evlog_free(obs *o) {
  evlog *l = (evlog *)o;
  if (!l)
    return;
  obs_slots_destroy(&l->sl);
  free(l->used);
  free(l->buf);
  free(l->p);
  free(l);
}
