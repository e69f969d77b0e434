/* registry.c: the rows a user can name, one line each, in --help order. */
#include "kinds.h"

static const kind_hdr *const WL_ROWS[] = {
    &wl_steps.h,
    &wl_poisson.h,
    &wl_trace.h,
    /* modulated and time-varying Poisson processes (issue 11) */
    &wl_onoff.h,
    &wl_mmpp.h,
    &wl_diurnal.h,
    NULL,
};

static const kind_hdr *const LIM_ROWS[] = {
    &lim_sliding_window.h,
    /* token bucket, GCRA and window counters (issue 11) */
    &lim_token_bucket.h,
    &lim_gcra.h,
    &lim_fixed_window.h,
    &lim_sliding_counter.h,
    NULL,
};

/* One row a line (clang-format would pack more than five in columns). */
// clang-format off
static const kind_hdr *const DISP_ROWS[] = {
    &disp_random.h,
    &disp_weighted.h,
    &disp_load_aware.h,
    &disp_round_robin.h,
    &disp_power_of_d.h,
    &disp_least_outstanding.h,
    &disp_least_latency.h,
    NULL,
};
// clang-format on

/* Routing strategies (issue 15). */
static const kind_hdr *const ROUTE_ROWS[] = {
    &route_edge_first.h, &route_threshold.h, &route_cascade.h, &route_model_switch.h, NULL,
};

/* Keys every limiter kind takes, bound into the scenario's scn_lim. */
static const key_row LIM_COMMON[] = {
    /* at least 1 ms: a limit "C tokens per 1e-320 s" is no limit at all (the
     * window is empty before the next arrival), which hides a typo */
    KEY_NUM("window_s", offsetof(scn_lim, window_s), 1e-3, SCN_MAX_DURATION_S, K_REQ, NULL,
            "window length W, seconds (>= 0.001, <= duration_s)"),
    KEY_OBJ("adapt", offsetof(scn_lim, adapt.has), ADAPT_KEYS, 0, NULL,
            "adaptive window: a controller moves W in [w_min_s, w_max_s] (sliding_window only)"),
    KEY_END};

/* Keys every dispatch policy takes, bound into the scenario's scn.disp. */
static const key_row DISP_COMMON[] = {
    KEY_INT("attempts", offsetof(scn, disp.attempts), 1, SCN_MAX_DEVICES, 0, "1",
            "distinct devices a request may try before it is rejected (<= number of devices)"),
    KEY_END};

const kind_reg WL_REGISTRY = {"workload kind", "kind", WL_ROWS, "steps", NULL};
const kind_reg LIM_REGISTRY = {"limiter kind", "kind", LIM_ROWS, "sliding_window", LIM_COMMON};
const kind_reg DISP_REGISTRY = {"dispatch policy", "policy", DISP_ROWS, NULL, DISP_COMMON};
const kind_reg ROUTE_REGISTRY = {"routing strategy", "strategy", ROUTE_ROWS, "edge_first", NULL};
