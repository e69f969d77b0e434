/* qtheory.h: closed-form queueing results used to validate the simulator. */
#ifndef ES_QTHEORY_H
#define ES_QTHEORY_H

/* Erlang-B blocking probability of an M/G/c/c loss system with offered load
 * a = lambda * E[S] erlangs: B(0, a) = 1, B(c, a) = a B(c-1, a) / (c + a
 * B(c-1, a)). Numerically stable for any c >= 0, a >= 0. */
double qt_erlang_b(unsigned c, double a);

#endif
