/* events.h: --events, a readable log of a run, one line per event, for
 * following the model's rules by hand on small runs (format: README,
 * "Following a run event by event").
 *
 * evlog_new() makes an observer (observe.h) that writes to `f` (borrowed)
 * during the run: a header naming the devices' C, W and P, then in time
 * order every arrival with its dispatch decision and admission test,
 * every completion and every window expiry, and at the end of the run one
 * blank line (the caller prints the results after it). Completions and
 * expiries are held until the next arrival so that lines stay in time
 * order. The observer owns its state; evlog_free() frees it.
 */
#ifndef ES_EVENTS_H
#define ES_EVENTS_H

#include <stdio.h>

#include "err.h"
#include "scenario.h"

struct obs;

/* NULL with ES_ERUNTIME if out of memory. The caller has checked that the
 * cluster has at most OBS_MAX_SLOTS slots (obs_slot_count). */
struct obs *evlog_new(const scn *s, FILE *f, es_err *e);
void evlog_free(struct obs *o);

#endif
