/* kinds.h: every row of the three variation points, and their registries.
 *
 * Adding a kind: write sim/kinds/<point>_<name>.c defining one const row
 * (wl_ops, lim_ops, disp_ops or route_ops: its name, keys, cfg, state and hooks),
 * declare it below and add it to its registry in registry.c. Nothing else
 * names it: the scenario reader, --help, error messages and the README
 * check read the registries.
 */
#ifndef ES_KINDS_H
#define ES_KINDS_H

#include <math.h>
#include <stddef.h>

#include "dispatch.h"
#include "keys.h"
#include "limiter.h"
#include "route.h"
#include "scenario.h"
#include "workload.h"

/* workloads (wl_*.c) */
extern const wl_ops wl_steps, wl_poisson, wl_trace;
extern const wl_ops wl_onoff, wl_mmpp, wl_diurnal;
/* limiters (lim_*.c) */
extern const lim_ops lim_sliding_window;
extern const lim_ops lim_token_bucket, lim_gcra, lim_fixed_window, lim_sliding_counter;
/* dispatch policies (disp_*.c) */
extern const disp_ops disp_random, disp_weighted, disp_load_aware;
extern const disp_ops disp_round_robin, disp_power_of_d;
extern const disp_ops disp_least_outstanding, disp_least_latency;
extern const disp_ops disp_load_aware_by_scan;   /* tests and benchmarks */
extern const disp_ops disp_load_aware_uncounted; /* disp_without_queues */
/* routing strategies (route_*.c, route.h) */
extern const route_ops route_edge_first, route_threshold, route_cascade, route_model_switch;

/* The registries: "workload.kind", "limiter.kind", "dispatch.policy",
 * "routing.strategy". */
extern const kind_reg WL_REGISTRY, LIM_REGISTRY, DISP_REGISTRY, ROUTE_REGISTRY;

#endif
