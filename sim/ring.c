#include "ring.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *ring_doubled(void *ring, size_t size, size_t head, size_t n, size_t cap, size_t first) {
  size_t ncap = cap ? 2 * cap : first;
  if (ncap < cap || size == 0 || ncap > SIZE_MAX / size)
    return NULL;
  char *r = malloc(ncap * size);
  if (!r)
    return NULL;
  if (n) { /* [head, cap) then the part that wrapped to [0, ...) */
    size_t a = cap - head < n ? cap - head : n;
    memcpy(r, (char *)ring + head * size, a * size);
    memcpy(r + a * size, ring, (n - a) * size);
  }
  free(ring);
  return r;
}
