/* bigalloc.c: see bigalloc.h. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "bigalloc.h"

#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((size_t)2 << 20)

void *big_alloc(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= HUGE_PAGE) {
    size_t n = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, n);
    if (p)
      madvise(p, n, MADV_HUGEPAGE); /* advice only: failure is harmless */
    return p;
  }
#endif
  return malloc(bytes ? bytes : 1);
}

void big_free(void *p) { free(p); }
