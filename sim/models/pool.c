/* pool.c: spin-then-sleep worker pool (see pool.h). */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define relax() _mm_pause()
#else
#define relax() ((void)0)
#endif

/* A worker polls for the next run for SPIN_NS before it sleeps. Decode
 * issues a run every few tens of microseconds with single-threaded work
 * (attention, norms) in between; a worker that slept through those gaps had
 * to be woken by a futex call, which under a hypervisor costs more than the
 * run itself, so it polls through them and sleeps only between tokens.
 * After SPIN_PAUSES polls it yields the CPU between polls: when other work
 * (another process) leaves both threads on one core, a pure spin would keep
 * the caller from running for the whole SPIN_NS (it made every run 0.5 ms),
 * while sched_yield on an otherwise idle core returns at once. The caller
 * waits for the workers the same way. */
#define SPIN_NS 500000L
#define SPIN_PAUSES 1000

/* one poll of a wait: a pause instruction, or a yield after SPIN_PAUSES */
static void poll_wait(int i) {
  if (i < SPIN_PAUSES)
    relax();
  else
    sched_yield();
}

struct es_pool {
  int n;
  pthread_t *tid;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  atomic_uint gen;     /* run number << 1 | 1 for pool_run_any; a new value per run and to quit */
  atomic_int done;     /* workers finished with the current pool_run */
  atomic_uint open;    /* gen of the pool_run_any run workers may still join, else 0 */
  atomic_int active;   /* workers inside (or checking whether to join) a pool_run_any run */
  atomic_int sleepers; /* workers in (or about to enter) pthread_cond_wait */
  atomic_int quit;
  pool_fn fn; /* valid while a run is in progress */
  void *arg;
};

typedef struct {
  es_pool *p;
  int id;
} worker;

static long elapsed_ns(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

/* Waits until gen differs from `seen`; returns it. The sleeper count is
 * raised before gen is re-read and bump() raises gen before it reads the
 * count (both sequentially consistent), so one of the two sees the other:
 * a worker never sleeps through a bump. */
static unsigned wait_gen(es_pool *p, unsigned seen) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 1;; i++) {
    unsigned g = atomic_load_explicit(&p->gen, memory_order_acquire);
    if (g != seen)
      return g;
    poll_wait(i);
    if (i % 64 == 0 && elapsed_ns(&t0) > SPIN_NS)
      break;
  }
  pthread_mutex_lock(&p->mu);
  atomic_fetch_add(&p->sleepers, 1);
  unsigned g;
  while ((g = atomic_load(&p->gen)) == seen)
    pthread_cond_wait(&p->cv, &p->mu);
  atomic_fetch_sub(&p->sleepers, 1);
  pthread_mutex_unlock(&p->mu);
  return g;
}

static void *work(void *a) {
  worker *w = a;
  es_pool *p = w->p;
  unsigned seen = 0;
  for (;;) {
    seen = wait_gen(p, seen);
    if (atomic_load(&p->quit))
      break;
    if (seen & 1) { /* pool_run_any: join only while the run is open */
      atomic_fetch_add(&p->active, 1);
      if (atomic_load(&p->open) == seen)
        p->fn(p->arg, w->id, p->n);
      atomic_fetch_sub(&p->active, 1);
      continue;
    }
    p->fn(p->arg, w->id, p->n);
    atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
  }
  free(w);
  return NULL;
}

/* the next gen value: a new run number, low bit `any` */
static unsigned next_gen(es_pool *p, unsigned any) {
  return (((atomic_load(&p->gen) >> 1) + 1) << 1) | any;
}

/* Starts a run: spinning workers see gen change; sleeping ones are woken
 * (the mutex and the broadcast are skipped when nobody sleeps). */
static void bump(es_pool *p, unsigned g) {
  atomic_store(&p->gen, g);
  if (atomic_load(&p->sleepers) == 0)
    return;
  pthread_mutex_lock(&p->mu);
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

es_pool *pool_new(int nthreads) {
  es_pool *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->n = nthreads < 1 ? 1 : nthreads;
  p->tid = calloc((size_t)p->n, sizeof *p->tid);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  atomic_init(&p->gen, 0);
  atomic_init(&p->done, 0);
  atomic_init(&p->quit, 0);
  atomic_init(&p->sleepers, 0);
  atomic_init(&p->open, 0);
  atomic_init(&p->active, 0);
  if (!p->tid) {
    free(p);
    return NULL;
  }
  for (int i = 1; i < p->n; i++) {
    worker *w = malloc(sizeof *w);
    if (!w) {
      p->n = i;
      pool_free(p);
      return NULL;
    }
    w->p = p;
    w->id = i;
    if (pthread_create(&p->tid[i], NULL, work, w) != 0) {
      free(w);
      p->n = i;
      pool_free(p);
      return NULL;
    }
  }
  return p;
}

void pool_free(es_pool *p) {
  if (!p)
    return;
  atomic_store(&p->quit, 1);
  bump(p, next_gen(p, 0));
  for (int i = 1; i < p->n; i++)
    pthread_join(p->tid[i], NULL);
  pthread_cond_destroy(&p->cv);
  pthread_mutex_destroy(&p->mu);
  free(p->tid);
  free(p);
}

int pool_threads(const es_pool *p) { return p->n; }

void pool_run(es_pool *p, pool_fn fn, void *arg) {
  if (p->n == 1) {
    fn(arg, 0, 1);
    return;
  }
  p->fn = fn;
  p->arg = arg;
  atomic_store_explicit(&p->done, 0, memory_order_relaxed);
  bump(p, next_gen(p, 0));
  fn(arg, 0, p->n);
  for (int i = 0; atomic_load_explicit(&p->done, memory_order_acquire) < p->n - 1; i++)
    poll_wait(i);
}

/* The caller closes the run once its own call has returned (all work is
 * then claimed) and waits only for workers that joined. A worker raises
 * `active` before it reads `open` and the caller clears `open` before it
 * reads `active` (sequentially consistent), so a worker either joins and is
 * waited for, or sees the run closed and never touches fn or arg. */
void pool_run_any(es_pool *p, pool_fn fn, void *arg) {
  if (p->n == 1) {
    fn(arg, 0, 1);
    return;
  }
  unsigned g = next_gen(p, 1);
  p->fn = fn;
  p->arg = arg;
  atomic_store(&p->open, g);
  bump(p, g);
  fn(arg, 0, p->n);
  atomic_store(&p->open, 0);
  for (int i = 0; atomic_load(&p->active) > 0; i++)
    poll_wait(i); /* a joined worker's last chunk */
}
