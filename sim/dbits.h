/* dbits.h: doubles as ordered integers. For x >= 0 (and -0, taken as +0)
 * the IEEE-754 bits of x, read as an unsigned integer, order like x, and
 * adjacent doubles are adjacent integers: the timer tree's keys (tmr.h)
 * and the search over doubles of lim_least_pass (limiter.h) use both.
 */
#ifndef ES_DBITS_H
#define ES_DBITS_H

#include <stdint.h>
#include <string.h>

/* The bits of x >= 0 (-0 gives +0's). */
static inline uint64_t dbits_of(double x) {
  x += 0.0; /* -0 as +0 */
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

/* The double whose bits are b. */
static inline double dbits_to(uint64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

#endif
