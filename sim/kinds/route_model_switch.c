/* route_model_switch.c: devices that store several LMs and swap between
 * them (issue 15; README "Routing and accuracy").
 *
 * An LM is good enough for a request of difficulty d when its P(correct |
 * d) >= min_accuracy; need(d) is the smallest stored LM that is (the
 * largest if none is). A device admits as the dispatch policy and the
 * limiter say; an admitted request is served by the resident LM if that LM
 * is good enough for it, else sent up to the cloud. A device entry without
 * `models` stores its one LM.
 *
 * The swap rule: each instance keeps the needs of the last K =
 * switch_window requests picked for it (served, sent up or rejected) in a
 * ring. When more than K/2 of the K slots hold a need other than the
 * resident LM (slots not yet written count for the resident), it swaps to
 * the LM most slots need (ties: the larger), unless that is the resident:
 * it closes (DEV_CLOSED_SWAP), its requests in flight finish (service
 * times are fixed, so the last end is known: last_end), loading the
 * incoming LM then takes its swap_in_s at active power, and an EV_ROUTE
 * event reopens it with that LM resident. No swap is decided while one is
 * under way. Per request: O(stored LMs) curve evaluations; memory: K bytes
 * per instance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "kinds.h"
#include "observe.h"
#include "run.h"

typedef struct cfg {
  double min_acc;  /* good enough: P(correct | d) >= min_acc */
  uint64_t window; /* K */
} cfg;

static const key_row KEYS[] = {
    KEY_NUM("min_accuracy", offsetof(cfg, min_acc), 0, 1, K_REQ | K_LOX, NULL,
            "model_switch: an LM is good enough for a request when its P(correct | d) >= this"),
    KEY_INT("switch_window", offsetof(cfg, window), 1, 4096, 0, "16",
            "model_switch: K; a device swaps when more than K/2 of its last K requests need "
            "another LM"),
    KEY_END};

enum { EMPTY = 0xff };              /* a ring slot not yet written */
#define RING_MAX_BYTES 1073741824.0 /* the rings' memory: K bytes per swapping instance */

typedef struct sw_dev {
  const scn_device *lm;          /* its stored LMs, smallest first (the entry if it has one) */
  uint32_t nlm, res, next;       /* how many; the resident; the one loading */
  int swapping;                  /* closed: draining, then loading `next` */
  uint32_t pos, filled;          /* the ring's next slot; slots written */
  uint32_t cnt[SCN_MAX_MODELS];  /* ring slots holding each need */
  double last_end;               /* latest end of the requests it admitted, s */
  uint8_t *ring;                 /* K needs (EMPTY until written); NULL with one LM */
  uint32_t name[SCN_MAX_MODELS]; /* index of each stored LM's name in sw_run.names */
} sw_dev;

typedef struct sw_run {
  const cfg *k;
  sw_dev *dv;    /* per instance */
  uint8_t *ring; /* the rings of the instances with more than one LM, K bytes each */
  /* in the statistics window */
  uint64_t sent_up, swaps, served[SCN_MAX_MODELS];
  double swap_s;
  /* --timeseries: swaps decided in the current interval (all of them); the
   * distinct LM names of the cluster, first appearance first */
  uint64_t ts_swaps;
  const char **names;
  size_t nnames;
  uint32_t *ts_res; /* per name: instances with it resident (a row's scratch) */
} sw_run;

_Static_assert(SCN_MAX_MODELS == sizeof(((es_result *)0)->sw.served) / sizeof(double),
               "one routing.served_lm metric per stored LM");

/* Instances that store more than one LM (each has a ring). */
static size_t swapping_instances(const scn *s) {
  size_t m = 0;
  for (size_t j = 0; j < s->ndev; j++)
    m += s->dev[j].nlms > 1 ? s->dev[j].count : 0;
  return m;
}

static void teardown(void *st) {
  sw_run *w = st;
  if (w)
    free(w->dv), free(w->ring), free(w->names), free(w->ts_res);
  free(w);
}

static int setup(run *u, const void *p, void **out) {
  const cfg *k = p;
  sw_run *w = calloc(1, sizeof *w);
  if (!(*out = w))
    return -1;
  w->k = k;
  size_t K = k->window, m = swapping_instances(u->s);
  w->dv = calloc(u->n, sizeof *w->dv);
  w->ring = malloc(m ? m * K : 1);
  size_t maxnames = 0; /* at most every entry's LMs */
  for (size_t j = 0; j < u->s->ndev; j++)
    maxnames += u->s->dev[j].nlms ? u->s->dev[j].nlms : 1;
  w->names = malloc(maxnames * sizeof *w->names);
  w->ts_res = malloc(maxnames * sizeof *w->ts_res);
  if (!w->dv || !w->ring || !w->names || !w->ts_res)
    return -1;
  memset(w->ring, EMPTY, m * K);
  for (size_t i = 0, r = 0; i < u->n; i++) {
    const scn_device *sd = &u->s->dev[u->devs[i].spec];
    sw_dev *v = &w->dv[i];
    v->lm = sd->nlms ? sd->lms : sd;
    v->nlm = sd->nlms ? (uint32_t)sd->nlms : 1;
    v->res = (uint32_t)sd->lm_first;
    if (v->nlm > 1)
      v->ring = w->ring + K * r++;
    for (uint32_t k = 0; k < v->nlm; k++) {
      size_t x = 0;
      while (x < w->nnames && strcmp(w->names[x], v->lm[k].lm))
        x++;
      if (x == w->nnames)
        w->names[w->nnames++] = v->lm[k].lm;
      v->name[k] = (uint32_t)x;
    }
  }
  return 0;
}

static int good(const sw_run *w, const scn_device *lm, double d) {
  return acc_eval(&lm->acc, d) >= w->k->min_acc;
}

static const scn_device *serve(void *st, run *u, size_t i, double t, double d, uint64_t tok) {
  sw_run *w = st;
  sw_dev *v = &w->dv[i];
  const scn_device *lm = &v->lm[v->res];
  uint64_t counted = t >= u->from;
  if (!good(w, lm, d)) {
    w->sent_up += counted;
    return NULL;
  }
  double end = t + (lm->ttft_s + (double)tok / lm->tgs); /* the engine's completion time */
  if (end > v->last_end)
    v->last_end = end;
  w->served[v->res] += counted;
  return lm;
}

static uint32_t need(const sw_run *w, const sw_dev *v, double d) {
  for (uint32_t k = 0; k + 1 < v->nlm; k++)
    if (good(w, &v->lm[k], d))
      return k;
  return v->nlm - 1;
}

/* Closes device i at t for a swap to LM `to`: it loads once its requests
 * in flight are done, and reopens at the end (EV_ROUTE). */
static int start_swap(sw_run *w, run *u, size_t i, uint32_t to, double t) {
  sw_dev *v = &w->dv[i];
  double start = v->last_end > t ? v->last_end : t, end = start + v->lm[to].swap_in_s;
  double in = run_clip(u, start, end);
  v->swapping = 1, v->next = to;
  dev_set_open(u, i, 0, DEV_CLOSED_SWAP);
  u->devs[i].busy_s += in; /* loading weights: active power; no request in flight then */
  w->swap_s += in;
  w->swaps += (uint64_t)(t >= u->from);
  w->ts_swaps++;
  OBS_CALL(u, swap, t, i, v->lm[v->res].lm, v->lm[to].lm, start, end);
  return cal_push(&u->q, end, EV_ROUTE, (uint32_t)i);
}

static int dispatched(void *st, run *u, size_t i, double t, double d) {
  sw_run *w = st;
  sw_dev *v = &w->dv[i];
  if (v->nlm == 1) /* one LM: nothing to swap to */
    return 0;
  uint32_t K = (uint32_t)w->k->window, n = need(w, v, d);
  uint8_t *slot = &v->ring[v->pos];
  if (*slot != EMPTY)
    v->cnt[*slot]--;
  else
    v->filled++;
  *slot = (uint8_t)n;
  v->cnt[n]++;
  v->pos = v->pos + 1 == K ? 0 : v->pos + 1;
  if (v->swapping || 2 * (v->filled - v->cnt[v->res]) <= K)
    return 0;
  uint32_t best = 0;
  for (uint32_t k = 1; k < v->nlm; k++)
    if (v->cnt[k] >= v->cnt[best]) /* ties to the larger */
      best = k;
  return best == v->res ? 0 : start_swap(w, u, i, best, t);
}

/* A swap's end: the incoming LM is resident, the device open again. */
static int fire(void *st, run *u, const heap_ev *ev) {
  sw_run *w = st;
  sw_dev *v = &w->dv[ev->arg];
  v->res = v->next, v->swapping = 0;
  dev_set_open(u, ev->arg, 1, DEV_CLOSED_SWAP);
  return 0;
}

static void finish(void *st, run *u) {
  sw_run *w = st;
  struct es_switch_result *o = &u->r->sw;
  o->sent_up = (double)w->sent_up;
  o->swaps = (double)w->swaps;
  o->swap_s = w->swap_s;
  for (int k = 0; k < SCN_MAX_MODELS; k++)
    o->served[k] = (double)w->served[k];
}

/* What a swap cannot do exactly yet: wait for queued or shared-service
 * requests (their end is not known at admission), meet a failure (its cut
 * would take back the entry's numbers, not the serving LM's, and leave
 * last_end stale); least_latency estimates with each entry's first LM.
 * The cloud's extended keys (retries included) compose: a sent-up request
 * is credited where the cloud answers it (route.c). */
static int validate(kctx *c, const scn *s, const void *p) {
  const char *no = NULL;
  char what[96];
  if (s->ext)
    no = "queue, service, prefill or slo keys";
  else if (s->disp.ops == &disp_least_latency)
    no = "dispatch.policy \"least_latency\" (it estimates with each entry's first LM)";
  for (size_t i = 0; !no && i < s->ndev; i++)
    if (s->dev[i].has_failure)
      no = what, snprintf(what, sizeof what, "devices[%zu].failure", i);
  if (no)
    return key_fail(c, "routing.strategy", "\"model_switch\" is not supported with %s (yet)", no);
  const cfg *k = p;
  double m = (double)swapping_instances(s);
  if (m * (double)k->window > RING_MAX_BYTES)
    return key_fail(c, "routing.switch_window",
                    "must be <= %.0f with %.0f instances storing more than one LM (K bytes each, 1 "
                    "GiB in all), got %llu",
                    floor(RING_MAX_BYTES / m), m, (unsigned long long)k->window);
  return 0;
}

/* --timeseries: swaps decided in the interval, instances closed for a swap
 * (draining or loading) at its end, and per LM name the instances with it
 * resident then (they sum to the devices). */
static void ts_header(void *st, run *u) {
  const sw_run *w = st;
  fputs("\tswaps\tswapping", u->ts);
  for (size_t x = 0; x < w->nnames; x++)
    fprintf(u->ts, "\tresident_%s", w->names[x]);
}

static void ts_row(void *st, run *u) {
  sw_run *w = st;
  uint32_t closed = 0;
  memset(w->ts_res, 0, w->nnames * sizeof *w->ts_res);
  for (size_t i = 0; i < u->n; i++) {
    const sw_dev *v = &w->dv[i];
    closed += (uint32_t)v->swapping;
    w->ts_res[v->name[v->res]]++;
  }
  fprintf(u->ts, "\t%llu\t%u", (unsigned long long)w->ts_swaps, closed);
  for (size_t x = 0; x < w->nnames; x++)
    fprintf(u->ts, "\t%u", w->ts_res[x]);
  w->ts_swaps = 0;
}

const route_ops route_model_switch = {
    .h = {"model_switch",
          "devices store several LMs, serve with the resident one if good enough, "
          "and swap to what most recent requests need",
          KEYS, sizeof(cfg), NULL, NULL},
    .validate = validate,
    .setup = setup,
    .teardown = teardown,
    .serve = serve,
    .dispatched = dispatched,
    .fire = fire,
    .finish = finish,
    .ts_header = ts_header,
    .ts_row = ts_row,
};
