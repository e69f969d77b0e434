/* test_ring.c: ring_doubled against the ring read entry by entry. */
#include "testutil.h"

#include <stdlib.h>

#include "ring.h"

typedef struct ent {
  double t;
  unsigned k;
} ent;

/* Every (cap, head, n) of small rings: the new array holds entry k of the
 * old ring, counted from the oldest, at index k. */
static void unrolls_every_shape(void **state) {
  (void)state;
  for (size_t cap = 1; cap <= 64; cap *= 2)
    for (size_t head = 0; head < cap; head++)
      for (size_t n = 0; n <= cap; n++) {
        ent *r = malloc(cap * sizeof *r), want[64];
        assert_non_null(r);
        for (size_t j = 0; j < cap; j++)
          r[j] = (ent){-1, 0};
        for (size_t k = 0; k < n; k++) /* entry k at (head + k) mod cap */
          r[(head + k) & (cap - 1)] = want[k] = (ent){(double)k / 7, (unsigned)(1000 + k)};
        ent *d = ring_doubled(r, sizeof *r, head, n, cap, 3);
        assert_non_null(d);
        for (size_t k = 0; k < n; k++) {
          assert_true(d[k].t == want[k].t);
          assert_int_equal(d[k].k, want[k].k);
        }
        d[2 * cap - 1] = (ent){1, 1}; /* 2 cap entries: writable (valgrind, ASan) */
        free(d);
      }
}

static void first_allocation_and_overflow(void **state) {
  (void)state;
  ent *d = ring_doubled(NULL, sizeof *d, 0, 0, 0, 16);
  assert_non_null(d);
  d[15] = (ent){0, 0};
  free(d);
  ent *keep = malloc(4 * sizeof *keep);
  assert_non_null(keep);
  assert_null(ring_doubled(keep, SIZE_MAX / 4, 0, 0, 4, 1)); /* size overflow: unchanged */
  free(keep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unrolls_every_shape),
      cmocka_unit_test(first_allocation_and_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
