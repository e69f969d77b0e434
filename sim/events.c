/* events.c: the --events log (events.h). One line per event:
 *   t=T arrive #ID tok=K prompt=Q -> DEV (POLICY, free F): TESTS: admitted to slot S, done at t=E
 *   t=T arrive #ID tok=K prompt=Q -> DEV (POLICY, free F): TESTS: rejected (REASON) -> cloud ...
 *   t=T arrive #ID tok=K prompt=Q -> none (POLICY: no device admits): rejected (no device) -> ...
 *   t=T done #ID on DEV slot S: inflight N/P=M
 *   t=T expire DEV -K (admitted at t=A): window U/C=N
 * where TESTS is the admission rule on the picked device, each relation as
 * it holds: "inflight 1 < P=2 ok, window 200+100=300 > C=250 full".
 * Lines of completions and expiries wait in `pend` until the next arrival
 * (the engine reports them in two passes) and leave sorted by time. */
#include "events.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
  uint64_t id;    /* requests so far: the id of the current arrival */
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

static void on_start(obs *o, const run *u, double t) {
  evlog *l = (evlog *)o;
  const scn *s = u->s;
  (void)t;
  fprintf(l->f, "# edgesim events: scenario %s, seed %llu, policy %s, %zu device%s, cloud %s\n",
          s->name, (unsigned long long)u->r->seed, scn_policy_name(s), u->n, u->n == 1 ? "" : "s",
          s->cloud.enabled ? "on" : "off (rejected requests are dropped)");
  for (size_t i = 0; i < u->n; i++) {
    const scn_device *sd = &s->dev[u->devs[i].spec];
    fprintf(l->f,
            "# device %s: C=%llu tokens per W=%.10g s (%s), P=%llu, service %.10g s + "
            "tokens / %.10g tok/s\n",
            name(u, i), (unsigned long long)sd->token_capacity, sd->lim.window_s,
            scn_limiter_name(&sd->lim), (unsigned long long)sd->max_parallel, sd->ttft_s, sd->tgs);
  }
  if (s->cloud.enabled)
    fprintf(l->f,
            "# cloud: $ = (prompt x %.10g + tok x %.10g) / 1e6, latency %.10g + %.10g + tok / "
            "%.10g s\n",
            s->cloud.price_in, s->cloud.price_out, s->cloud.rtt_s, s->cloud.ttft_s, s->cloud.tgs);
}

static void on_done(obs *o, const run *u, double t, size_t i) {
  evlog *l = (evlog *)o;
  uint64_t id = 0;
  long k = obs_slots_release(&l->sl, i, t, &id);
  hold(l, t, "t=%.3f done #%llu on %s slot %ld: inflight %u/P=%u", t, (unsigned long long)id,
       name(u, i), k, u->devs[i].inflight, u->devs[i].max_par);
}

static void on_expire(obs *o, const run *u, double t, size_t i, uint64_t tok) {
  evlog *l = (evlog *)o;
  const dev *d = &u->devs[i];
  if (!tok) { /* a limiter kind without a log: its `used` is current */
    l->used[i] = d->used;
    hold(l, t, "t=%.3f expire %s: window %llu/C=%llu", t, name(u, i),
         (unsigned long long)l->used[i], (unsigned long long)d->cap_tokens);
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
  l->id++;
  fprintf(l->f, "t=%.3f arrive #%llu tok=%llu prompt=%llu -> ", t, (unsigned long long)l->id,
          (unsigned long long)a->tokens, (unsigned long long)a->prompt);
}

/* The picked device and both tests of the admission rule, with the values
 * before the decision: `inflight` requests in flight, `used` tokens. */
static void tests(evlog *l, const run *u, size_t i, uint64_t inflight, uint64_t used,
                  uint64_t tok) {
  const dev *d = &u->devs[i];
  uint64_t c = d->cap_tokens;
  fprintf(l->f, "%s (%s, free %.3f): inflight %llu %s P=%u %s, window %llu+%llu=%llu %s C=%llu %s",
          name(u, i), scn_policy_name(u->s), (double)(c - (used < c ? used : c)) / (double)c,
          (unsigned long long)inflight, inflight < d->max_par ? "<" : ">=", d->max_par,
          inflight < d->max_par ? "ok" : "full", (unsigned long long)used, (unsigned long long)tok,
          (unsigned long long)(used + tok), used + tok <= c ? "<=" : ">", (unsigned long long)c,
          used + tok <= c ? "ok" : "full");
}

static void on_admit(obs *o, const run *u, double t, size_t i, const wl_arrival *a,
                     double service) {
  evlog *l = (evlog *)o;
  const dev *d = &u->devs[i];
  /* called after the admission: the values the test saw are one request
   * and a->tokens less */
  tests(l, u, i, d->inflight - 1, d->used - a->tokens, a->tokens);
  l->used[i] = d->used;
  size_t k = obs_slots_take(&l->sl, i, l->id, t, t + service, a);
  fprintf(l->f, ": admitted to slot %zu, done at t=%.3f\n", k, t + service);
}

static void on_reject(obs *o, const run *u, double t, long picked, const wl_arrival *a,
                      enum obs_reason reason) {
  evlog *l = (evlog *)o;
  const scn *s = u->s;
  if (picked >= 0)
    tests(l, u, (size_t)picked, u->devs[picked].inflight, u->devs[picked].used, a->tokens);
  else
    fprintf(l->f, "none (%s: no device admits)", scn_policy_name(s));
  fprintf(l->f, ": rejected (%s) -> ", obs_reason_name(reason));
  if (!s->cloud.enabled) {
    fputs("dropped\n", l->f);
    return;
  }
  double usd =
      ((double)a->prompt * s->cloud.price_in + (double)a->tokens * s->cloud.price_out) / 1e6;
  double lat = s->cloud.rtt_s + s->cloud.ttft_s + (double)a->tokens / s->cloud.tgs;
  fprintf(l->f, "cloud $%.6f, done at t=%.3f\n", usd, t + lat);
}

static void on_queue(obs *o, const run *u, double t, size_t i, size_t len) {
  hold((evlog *)o, t, "t=%.3f queue %s: %zu waiting", t, name(u, i), len);
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
    .queue = on_queue,
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
