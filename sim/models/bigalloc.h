/* bigalloc.h: allocations for large arrays that are read as long streams
 * (weights, and the bandwidth probe's arrays so that it measures the same
 * thing). On Linux they are aligned to 2 MiB and offered transparent huge
 * pages: with 4 KiB pages a stream takes a TLB miss every 4 KiB and the
 * hardware prefetcher stops at each page boundary. Elsewhere, plain malloc.
 * Ownership: big_alloc'd memory is released with big_free. */
#ifndef ES_BIGALLOC_H
#define ES_BIGALLOC_H

#include <stddef.h>

void *big_alloc(size_t bytes); /* NULL when out of memory */
void big_free(void *p);

#endif
