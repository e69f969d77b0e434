#include "pool.h"

#include <stdlib.h>

void pool_init(pool *p, size_t size) { *p = (pool){.size = size, .free_head = UINT32_MAX}; }

int pool_get(pool *p, uint32_t *out) {
  if (p->free_head == UINT32_MAX) {
    uint32_t cap = p->cap ? 2 * p->cap : 64;
    if (cap > UINT32_MAX / 2 || (size_t)cap > SIZE_MAX / p->size)
      return -1;
    void *rec = realloc(p->rec, (size_t)cap * p->size);
    if (!rec)
      return -1;
    p->rec = rec;
    uint32_t *link = realloc(p->link, (size_t)cap * sizeof *link);
    if (!link)
      return -1; /* rec grew, cap did not: the next call retries */
    p->link = link;
    for (uint32_t k = p->cap; k < cap; k++)
      link[k] = k + 1 < cap ? k + 1 : UINT32_MAX;
    p->free_head = p->cap, p->cap = cap;
  }
  *out = p->free_head;
  p->free_head = p->link[*out];
  p->used++;
  return 0;
}

void pool_put(pool *p, uint32_t k) {
  p->link[k] = p->free_head;
  p->free_head = k;
  p->used--;
}

void pool_destroy(pool *p) {
  free(p->rec);
  free(p->link);
  pool_init(p, p->size);
}
