/* probe.h: host measurements that the kernel's speed is compared against.
 *
 * Bandwidth: a STREAM-triad loop a[i] = b[i] + s*c[i] over arrays far larger
 * than the last-level cache (allocated like the weights, see bigalloc.h),
 * counted as STREAM does (24 bytes per element,
 * write-allocate traffic not counted), and a read-only sum over one large
 * array (8 bytes per element), which is closer to what decode does. Best of
 * `reps` repetitions, split across the threads of the pool.
 * Compute: the kernel's own mm_run on a cache-resident matrix (256 x 2048)
 * and nx activation rows: the most this kernel can do when memory is not the
 * limit. nx = 1 is the matvec decode runs (its compute roof); nx = the
 * prompt length is the batched path prefill runs.
 * Units: bytes/s and FLOP/s (one multiply-add = 2 FLOPs).
 *
 * Time: with cpu_time set and one thread, seconds are the process's CPU
 * time, which leaves out time the OS gave to other processes on a shared
 * host. With several threads CPU time would leave out a descheduled worker
 * that the others wait for, so they are always timed by the wall clock. */
#ifndef ES_PROBE_H
#define ES_PROBE_H

#include "matmul.h"

typedef struct {
  double triad_bps; /* bytes/s, STREAM counting */
  double read_bps;  /* bytes/s, read-only */
} probe_bw;

/* Arrays for the bandwidth probe, kept for a whole run so each probe is
 * short. mb: megabytes per array (>= 4x the last-level cache). NULL: no
 * memory. Freed by probe_arrays_free. */
typedef struct probe_arrays probe_arrays;
probe_arrays *probe_arrays_new(es_pool *pool, size_t mb);
void probe_arrays_free(probe_arrays *A);
/* Best of `reps` triads and read-only sums over A. */
probe_bw probe_bw_run(es_pool *pool, probe_arrays *A, int reps, int cpu_time);

/* The kernel's mm_run on a cache-resident 256 x 2048 matrix and nx
 * activation rows, set up once. NULL: no memory. */
typedef struct probe_mm probe_mm;
probe_mm *probe_mm_new(qt_type t, int nx);
void probe_mm_free(probe_mm *p);
/* Peak FLOP/s: the best sample over `seconds` of back-to-back runs. */
double probe_mm_run(probe_mm *p, mm_ctx *c, double seconds, int cpu_time);

double probe_now(void); /* monotonic seconds */
/* seconds on the clock described above */
double probe_clock(int cpu_time, int threads);

#endif
