/* device.h: a target device (models/devices/<name>.json).
 * Ownership: device_load fills the struct and owns `sources` (a cJSON copy);
 * device_destroy frees it. Units are in the field comments. */
#ifndef ES_CALIB_DEVICE_H
#define ES_CALIB_DEVICE_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct {
  char name[64]; /* file stem = profile name */
  char hardware[160];
  double memory_gib;     /* GiB (2^30 bytes) */
  double bandwidth_gbs;  /* GB/s (1e9 bytes/s) */
  double int8_tops;      /* dense INT8, 1e12 ops/s */
  double fp16_tflops;    /* dense FP16, 1e12 FLOP/s: used for prefill and batch */
  double power_active_w; /* W while generating */
  double power_idle_w;   /* W while idle */
  double reserve_gib;    /* OS + runtime memory unavailable to the model */
  int fit_context;       /* tokens of fp16 KV cache counted when checking fit */
  cJSON *sources;        /* object: key -> source or "assumption: ..." */
} es_device;

/* 0 ok; -1 with one line in err naming the file and key. */
int device_load(const char *path, es_device *d, char *err, size_t errlen);
void device_destroy(es_device *d);

#endif
