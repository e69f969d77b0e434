/* pool.h: a fixed set of worker threads that run one function at a time.
 *
 * pool_run(p, fn, arg) calls fn(arg, i, n) once for every i in [0, n) with
 * n = pool_threads(p), i = 0 on the calling thread, and returns when all calls
 * have returned. Workers poll for up to 0.5 ms between runs (a forward pass
 * issues about a hundred runs per token) and then sleep on a condition
 * variable; a run starts without a system call while they poll.
 * Ownership: pool_new allocates, pool_free joins the workers and frees. */
#ifndef ES_POOL_H
#define ES_POOL_H

typedef void (*pool_fn)(void *arg, int ith, int nth);
typedef struct es_pool es_pool;

es_pool *pool_new(int nthreads); /* NULL on failure; nthreads >= 1 */
void pool_free(es_pool *p);
int pool_threads(const es_pool *p);
void pool_run(es_pool *p, pool_fn fn, void *arg);
/* Like pool_run, but fn is called only by the caller (i = 0) and by the
 * workers that start before the caller's call returns; it returns when
 * every call that started has returned. fn must hand its work out
 * dynamically so that the caller's call alone would finish it: then a worker
 * that the OS has descheduled (another process on its core) does not hold
 * up the run, except for work it has already claimed. */
void pool_run_any(es_pool *p, pool_fn fn, void *arg);

#endif
