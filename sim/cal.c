#include "cal.h"

int cal_init(cal *c, size_t classes, size_t reserve) {
  *c = (cal){0};
  heap_init(&c->h);
  return evq_init(&c->fifo, classes, reserve);
}

int cal_timers(cal *c, size_t nids) { return tmr_init(&c->tm, nids); }

void cal_destroy(cal *c) {
  tmr_destroy(&c->tm);
  evq_destroy(&c->fifo);
  heap_destroy(&c->h);
}
