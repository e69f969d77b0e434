/* project.h: the roofline projection from kernel measurements to a device.
 *
 *   bw    = eff_bw * bandwidth                      (bytes/s achieved)
 * (eff_bw: the fraction of the host's decode roofline that the kernel attains)
 *   comp  = eff_compute * fp16 throughput           (FLOP/s achieved)
 *   TGS   = bw / decode_bytes                       (tokens/s, batch 1)
 *   TTFT  = prefill_flops / comp + decode_bytes / bw  (compute + one weight pass)
 *   prefill_tps = prompt / (prefill_flops / comp)   (prompt tokens/s)
 *   fits  = resident + KV(fit_context, fp16) + reserve <= memory
 *   E     = power_active * (TTFT + output_tokens / TGS) / 3600   (Wh/query)
 *   batch B (one weight pass per step for B sequences at context ctx):
 *     step(B) = a + b B, a = decode_bytes / bw,
 *               b = kv_ctx_bytes / bw + decode_flops / (eff_batch * fp16)
 *     A(B)/A(1) = B (a + b) / (a + b B);  A(B) = TGS * A(B)/A(1)
 *   (monotone non-decreasing in B for a > 0, b >= 0, and A(1) = TGS)
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
  int prompt;                /* tokens in that prompt */
  double decode_flops;       /* FLOPs of one decoded token at the batch context */
  double kv_bytes_per_token; /* fp16 KV cache bytes per position */
  double kv_ctx_bytes;       /* fp16 KV cache bytes one sequence reads per batched step */
  double eff_bw;             /* fraction of the decode roofline attained, (0,1] */
  double eff_compute;        /* fraction of compute achieved in prefill, (0,1] */
  double eff_batch;          /* fraction of compute achieved per batched decode row, (0,1] */
  int output_tokens;         /* tokens generated per query */
} proj_in;

typedef struct {
  double tgs;         /* tokens/s */
  double ttft_s;      /* seconds */
  double prefill_tps; /* prompt tokens/s */
  double energy_wh;   /* Wh per query */
  double need_gib;    /* memory needed, GiB */
  int fits;
  double batch_ratio[BENCH_BATCHES]; /* A(B)/A(1) at bench_batch[i] */
  double batch_tps[BENCH_BATCHES];   /* aggregate tokens/s A(B) */
} proj_out;

/* bandwidth_gbs overrides d->bandwidth_gbs when > 0 (e.g. a faster variant) */
void project(const es_device *d, double bandwidth_gbs, const proj_in *in, proj_out *out);

#endif
