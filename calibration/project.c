/* project.c: roofline arithmetic (see project.h). */
#include "project.h"

#define GIB 1073741824.0

void project(const es_device *d, double bandwidth_gbs, const proj_in *in, proj_out *out) {
  double bw = in->eff_bw * (bandwidth_gbs > 0 ? bandwidth_gbs : d->bandwidth_gbs) * 1e9;
  double comp = in->eff_compute * d->fp16_tflops * 1e12;
  double pass = in->decode_bytes / bw; /* seconds per pass over the weights */
  out->tgs = 1.0 / pass;
  out->ttft_s = in->prefill_flops / comp + pass;
  out->prefill_tps = in->prompt / (in->prefill_flops / comp);
  out->energy_wh = d->power_active_w * (out->ttft_s + in->output_tokens / out->tgs) / 3600.0;
  double need = in->resident_bytes + in->kv_bytes_per_token * d->fit_context + d->reserve_gib * GIB;
  out->need_gib = need / GIB;
  out->fits = need <= d->memory_gib * GIB;
  double per_seq = in->kv_ctx_bytes / bw;
  if (in->eff_batch > 0)
    per_seq += in->decode_flops / (in->eff_batch * d->fp16_tflops * 1e12);
  for (int i = 0; i < BENCH_BATCHES; i++) {
    double b = bench_batch[i];
    out->batch_ratio[i] = b * (pass + per_seq) / (pass + b * per_seq);
    out->batch_tps[i] = out->tgs * out->batch_ratio[i];
  }
}
