/* chrome_trace.h: --trace FILE, a run as Chrome Trace Event Format JSON
 * (Perfetto, chrome://tracing; format: README, "Tracing a run").
 *
 * ctrace_new() makes an observer (observe.h) that writes to `f` (borrowed;
 * the caller opens it with ofile and commits it) during the run: one
 * process per device with a track per slot (each request a complete
 * event, "ph":"X", on the lowest free slot of its device, so slices of a
 * track never overlap) and a counter of the window's used tokens; the
 * cloud as a process with a track per concurrent request; an instant
 * event per rejection naming its reason. At most `limit` events are
 * written (metadata included); past that the file gets one note (a
 * global instant event, and "truncated" in otherData) and nothing more.
 * ctrace_finish() closes the JSON after a successful run. Times are
 * microseconds, exact to the nanosecond. The observer owns its state;
 * ctrace_free() frees it.
 */
#ifndef ES_CHROME_TRACE_H
#define ES_CHROME_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "scenario.h"

struct obs;

/* NULL with ES_ERUNTIME if out of memory. The caller has checked that the
 * cluster has at most OBS_MAX_SLOTS slots (obs_slot_count). */
struct obs *ctrace_new(const scn *s, FILE *f, uint64_t limit, es_err *e);
/* Writes the end of the file. 1 if the limit cut the trace (its time,
 * seconds, in *cut_t), else 0. */
int ctrace_finish(struct obs *o, double *cut_t);
void ctrace_free(struct obs *o);

#endif
