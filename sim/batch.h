/* batch.h: many independent runs on worker threads, delivered in order.
 *
 * bat_run() runs tasks 0..n-1 (each a scenario and a seed, supplied by the
 * caller's `task` function, called on the worker threads) on `jobs` threads and hands every result
 * to `sink` on the calling thread in task order, so what the sink computes or prints is the same
 * whatever `jobs` is. The results belong to bat_run: a sink must not keep the pointer. At most 2 *
 * jobs results exist at any time, whatever n is. The first failure in task order (a run's or the
 * sink's) stops the batch and is returned; tasks after it may have run but
 * are never delivered. Scenarios are only read, so tasks may share one.
 */
#ifndef ES_BATCH_H
#define ES_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "err.h"

/* What task i runs. A task function that cannot supply it (a scenario
 * built on demand failed to load) sets rc and err instead: the task fails
 * like a run would. */
typedef struct bat_task {
  const scn *s;
  uint64_t seed;
  int rc;
  es_err err;
} bat_task;

typedef void (*bat_task_fn)(void *arg, size_t i, bat_task *t);
typedef int (*bat_sink_fn)(void *arg, size_t i, const es_result *r, es_err *e);

/* Number of online processors (at least 1): the default for --jobs. */
unsigned bat_default_jobs(void);

/* Options `o` apply to every run (o->ts only makes sense when n == 1). */
int bat_run(size_t n, unsigned jobs, const es_opts *o, bat_task_fn task, bat_sink_fn sink,
            void *arg, es_err *e);

#endif
