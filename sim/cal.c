#include "cal.h"

int cal_init(cal *c, size_t classes, size_t reserve) {
  *c = (cal){0};
  heap_init(&c->h);
  return evq_init(&c->fifo, classes, reserve);
}

void cal_destroy(cal *c) {
  evq_destroy(&c->fifo);
  heap_destroy(&c->h);
}
