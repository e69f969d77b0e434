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

#endif
