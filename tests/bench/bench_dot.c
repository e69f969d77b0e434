/* bench_dot.c: speed of one block dot product, in cache or streaming from
 * memory, per SIMD level: how far the kernel is from the memory roof on one
 * core. Not a test; numbers go to stdout.
 *   bench_dot [nb=28] [rows=2000] [q4_0|q8_0]
 * nb blocks per row (28 = 896 wide, 48 = 1536), rows x nb x block bytes of
 * weights: 2000 x 28 q4_0 = 1 MB stays in cache, 500000 x 28 = 252 MB does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bigalloc.h"
#include "dot.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the host may be shared */
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  int nb = argc > 1 ? atoi(argv[1]) : 28, rows = argc > 2 ? atoi(argv[2]) : 2000;
  qt_type t = QT_Q4_0;
  if ((argc > 3 && qt_parse(argv[3], &t)) || nb < 1 || rows < 1) {
    fprintf(stderr, "usage: bench_dot [nb] [rows] [q4_0|q8_0]\n");
    return 2;
  }
  size_t bs = qt_block_bytes(t), n = (size_t)nb * rows;
  unsigned char *w = getenv("SMALLPAGES") ? malloc(bs * n) : big_alloc(bs * n);
  int8_t *xq = malloc((size_t)nb * QK);
  float *xd = malloc(sizeof(float) * nb);
  int32_t *xs = calloc((size_t)nb, sizeof(int32_t));
  if (!w || !xq || !xd || !xs)
    return 1;
  for (size_t i = 0; i < bs * n; i++)
    w[i] = (unsigned char)(i * 31);
  for (size_t b = 0; b < n; b++) { /* scale 2^-7 in every block: no NaN, no denormals */
    uint16_t h = 0x2000;
    memcpy(w + b * bs, &h, sizeof h);
  }
  for (int i = 0; i < nb * QK; i++) {
    xq[i] = (int8_t)((i * 7) % 100 - 50);
    xs[i / QK] += xq[i]; /* qa_row's contract: s[b] is the sum of block b's codes */
  }
  for (int b = 0; b < nb; b++)
    xd[b] = 0.01f;
  qa_row x = {xq, xd, xs};
  for (int l = DOT_PORTABLE; l <= DOT_VNNI; l++) {
    if (!dot_supported((dot_level)l))
      continue;
    dot_fn f = dot_get(t, (dot_level)l);
    double best = 1e30;
    float sink = 0.0f; /* sum of one pass: equal across levels */
    for (int trial = 0; trial < (l == DOT_PORTABLE ? 3 : 20); trial++) {
      double t0 = now();
      sink = 0.0f;
      for (int r = 0; r < rows; r++)
        sink += f(w + bs * (size_t)nb * r, x, nb);
      double el = now() - t0;
      best = el < best ? el : best;
    }
    printf("%-10s %s nb=%d rows=%d: %.3f G blocks/s, %.2f GB/s of weights (checksum %g)\n",
           dot_level_name((dot_level)l), qt_name(t), nb, rows, n / best / 1e9, bs * n / best / 1e9,
           sink);
  }
  free(w);
  free(xq);
  free(xd);
  free(xs);
  return 0;
}
