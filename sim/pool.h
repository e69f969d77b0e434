/* pool.h: records of one type addressed by a 32-bit index and recycled
 * through a free list (cloud retries, cascade escalations).
 *
 * pool_get() hands out a free index in O(1), doubling the arrays when none
 * is free (amortised O(1)); pool_put() returns one. The arrays never
 * shrink, so their size is the most records ever held at once (rounded up
 * to a power of two, at least 64), not the number ever handed out.
 * Indices stay valid across growth; pointers into `rec` do not. A record's
 * bytes are the caller's: the pool neither clears nor reads them.
 */
#ifndef ES_POOL_H
#define ES_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct pool {
  void *rec;          /* cap records of `size` bytes */
  uint32_t *link;     /* link[k]: the free index after k (free records only) */
  size_t size;        /* bytes per record */
  uint32_t cap;       /* records allocated */
  uint32_t free_head; /* first free index; UINT32_MAX: none */
  uint32_t used;      /* records handed out and not returned */
} pool;

/* An empty pool of records of `size` bytes (allocates nothing). */
void pool_init(pool *p, size_t size);
/* A free index in *out; -1 if out of memory or past 2^31 records. */
int pool_get(pool *p, uint32_t *out);
/* Returns index k (handed out by pool_get and not returned since). */
void pool_put(pool *p, uint32_t k);
/* Frees the arrays; the pool is empty again. */
void pool_destroy(pool *p);

#endif
