#include "qtheory.h"

double qt_erlang_b(unsigned c, double a) {
  double b = 1;
  for (unsigned k = 1; k <= c; k++)
    b = a * b / ((double)k + a * b);
  return b;
}
