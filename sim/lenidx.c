#include "lenidx.h"

#include <stdlib.h>
#include <string.h>

int lx_init(lenidx *x, uint32_t m, uint32_t nlen) {
  *x = (lenidx){.m = m, .nlen = nlen, .w = (m + 63) / 64};
  x->bit = calloc((size_t)nlen * x->w, sizeof *x->bit);
  x->sum = calloc(nlen, sizeof *x->sum);
  x->len = malloc(m);
  if (!x->bit || !x->sum || !x->len)
    return -1;
  memset(x->len, LX_NONE, m);
  return 0;
}

void lx_destroy(lenidx *x) {
  free(x->bit);
  free(x->sum);
  free(x->len);
  *x = (lenidx){0};
}
