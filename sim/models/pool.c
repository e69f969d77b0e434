/* pool.c: spin-then-sleep worker pool (see pool.h). */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#define SPINS 20000 /* polls before a worker sleeps; about tens of us */

struct es_pool {
    int n;
    pthread_t *tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_uint gen;   /* incremented once per run (and once to quit) */
    atomic_int done;   /* workers finished with the current run */
    atomic_int quit;
    pool_fn fn;        /* valid while a run is in progress */
    void *arg;
};

typedef struct { es_pool *p; int id; } worker;

static unsigned wait_gen(es_pool *p, unsigned seen) {
    for (int i = 0; i < SPINS; i++) {
        unsigned g = atomic_load_explicit(&p->gen, memory_order_acquire);
        if (g != seen) return g;
    }
    pthread_mutex_lock(&p->mu);
    unsigned g;
    while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    return g;
}

static void *work(void *a) {
    worker *w = a;
    es_pool *p = w->p;
    unsigned seen = 0;
    for (;;) {
        seen = wait_gen(p, seen);
        if (atomic_load(&p->quit)) break;
        p->fn(p->arg, w->id, p->n);
        atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
    }
    free(w);
    return NULL;
}

static void bump(es_pool *p) {
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

es_pool *pool_new(int nthreads) {
    es_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->n = nthreads < 1 ? 1 : nthreads;
    p->tid = calloc((size_t)p->n, sizeof *p->tid);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    atomic_init(&p->gen, 0);
    atomic_init(&p->done, 0);
    atomic_init(&p->quit, 0);
    if (!p->tid) { free(p); return NULL; }
    for (int i = 1; i < p->n; i++) {
        worker *w = malloc(sizeof *w);
        if (!w) { p->n = i; pool_free(p); return NULL; }
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
    if (!p) return;
    atomic_store(&p->quit, 1);
    bump(p);
    for (int i = 1; i < p->n; i++) pthread_join(p->tid[i], NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->tid);
    free(p);
}

int pool_threads(const es_pool *p) { return p->n; }

void pool_run(es_pool *p, pool_fn fn, void *arg) {
    if (p->n == 1) { fn(arg, 0, 1); return; }
    p->fn = fn;
    p->arg = arg;
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    bump(p);
    fn(arg, 0, p->n);
    for (int i = 0; atomic_load_explicit(&p->done, memory_order_acquire) < p->n - 1; i++)
        if (i > SPINS) sched_yield();
}
