/* Workers claim task indices in increasing order; task i goes to slot
 * i % w (w = 2 * jobs) and a worker may claim i only once task i - w has
 * been consumed, so slots never collide and memory stays bounded. The
 * consumer (the calling thread) waits for slot i, calls the sink, frees the
 * result, and advances. */
#include "batch.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct slot {
  es_result *r;
  int rc, ready;
  es_err err;
} slot;

typedef struct pool {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t n, w, next, done; /* next task to claim; tasks consumed */
  int stop;
  slot *slots;
  const es_opts *o;
  bat_task_fn task;
  void *arg;
} pool;

unsigned bat_default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n >= 1 ? (unsigned)n : 1;
}

/* One run into a new result; on failure *res is NULL or partial. */
static int run_one(const es_opts *o, bat_task_fn task, void *arg, size_t i, es_result **res,
                   es_err *e) {
  bat_task t = {0};
  *res = NULL;
  task(arg, i, &t);
  if (t.rc)
    return *e = t.err, t.rc;
  *res = es_result_new(t.s);
  if (!*res)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  return es_run(t.s, t.seed, o, *res, e);
}

static int run_inline(size_t n, const es_opts *o, bat_task_fn task, bat_sink_fn sink, void *arg,
                      es_err *e) {
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    es_result *r = NULL;
    rc = run_one(o, task, arg, i, &r, e);
    if (!rc)
      rc = sink(arg, i, r, e);
    es_result_free(r);
  }
  return rc;
}

static void *worker(void *vp) {
  pool *p = vp;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->stop && p->next < p->n && p->next >= p->done + p->w)
      pthread_cond_wait(&p->cv, &p->mu);
    if (p->stop || p->next >= p->n)
      break;
    size_t i = p->next++;
    pthread_mutex_unlock(&p->mu);
    slot s = {.ready = 1};
    s.rc = run_one(p->o, p->task, p->arg, i, &s.r, &s.err);
    pthread_mutex_lock(&p->mu);
    p->slots[i % p->w] = s;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Delivers tasks in order until the end or the first failure. */
static int consume(pool *p, bat_sink_fn sink, es_err *e) {
  int rc = 0;
  for (size_t i = 0; i < p->n && !rc; i++) {
    slot *s = &p->slots[i % p->w];
    pthread_mutex_lock(&p->mu);
    while (!s->ready)
      pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    rc = s->rc;
    if (rc)
      *e = s->err;
    else
      rc = sink(p->arg, i, s->r, e);
    es_result_free(s->r);
    pthread_mutex_lock(&p->mu);
    *s = (slot){0};
    p->done++;
    p->stop = rc != 0;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
  }
  return rc;
}

static int run_pool(pool *p, unsigned jobs, bat_sink_fn sink, es_err *e) {
  pthread_t *th = calloc(jobs, sizeof *th);
  if (!th)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  unsigned started = 0;
  for (; started < jobs; started++)
    if (pthread_create(&th[started], NULL, worker, p))
      break;
  int rc = started ? consume(p, sink, e)
                   : es_fail(e, ES_ERUNTIME, "edgesim: cannot start worker threads");
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  for (unsigned k = 0; k < started; k++)
    pthread_join(th[k], NULL);
  for (size_t k = 0; k < p->w; k++)
    es_result_free(p->slots[k].r); /* claimed but never delivered */
  free(th);
  return rc;
}

int bat_run(size_t n, unsigned jobs, const es_opts *o, bat_task_fn task, bat_sink_fn sink,
            void *arg, es_err *e) {
  if (jobs > n)
    jobs = (unsigned)n;
  if (jobs <= 1)
    return run_inline(n, o, task, sink, arg, e);
  pool p = {.n = n, .w = 2 * (size_t)jobs, .o = o, .task = task, .arg = arg};
  p.slots = calloc(p.w, sizeof *p.slots);
  if (!p.slots)
    return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.cv, NULL);
  int rc = run_pool(&p, jobs, sink, e);
  pthread_cond_destroy(&p.cv);
  pthread_mutex_destroy(&p.mu);
  free(p.slots);
  return rc;
}
