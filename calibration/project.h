/* project.h: the roofline projection from kernel measurements to a device.
 *
 *   bw    = eff_bw * bandwidth                      (bytes/s achieved)
 * (eff_bw: the fraction of the host's decode roofline that the kernel attains)
 *   comp  = eff_compute * fp16 throughput           (FLOP/s achieved)
 *   TGS   = bw / decode_bytes                       (tokens/s, batch 1)
 *   TTFT  = prefill_flops / comp + decode_bytes / bw  (compute + one weight pass)
 *   fits  = resident + KV(fit_context, fp16) + reserve <= memory
 *   E     = power_active * (TTFT + output_tokens / TGS) / 3600   (Wh/query)
 *   batch B: step = max(decode_bytes / bw, B * decode_flops / comp),
 *            aggregate tokens/s = B / step
 * The efficiencies are the kernel's own, measured on the host (bench.h,
 * probe.h); nothing here is fitted to the published numbers. */
#ifndef ES_PROJECT_H
#define ES_PROJECT_H

#include "bench.h"
#include "device.h"

typedef struct {
  double decode_bytes;       /* weight bytes read per decoded token */
  double resident_bytes;     /* weight bytes held in memory */
  double prefill_flops;      /* FLOPs of the prompt */
  double decode_flops;       /* FLOPs of one decoded token */
  double kv_bytes_per_token; /* fp16 KV cache bytes per position */
  double eff_bw;             /* fraction of the decode roofline attained, (0,1] */
  double eff_compute;        /* fraction of compute achieved, (0,1] */
  int output_tokens;         /* tokens generated per query */
} proj_in;

typedef struct {
  double tgs;       /* tokens/s */
  double ttft_s;    /* seconds */
  double energy_wh; /* Wh per query */
  double need_gib;  /* memory needed, GiB */
  int fits;
  double batch_tps[BENCH_BATCHES]; /* aggregate tokens/s at bench_batch[i] */
} proj_out;

/* bandwidth_gbs overrides d->bandwidth_gbs when > 0 (e.g. a faster variant) */
void project(const es_device *d, double bandwidth_gbs, const proj_in *in, proj_out *out);

#endif
