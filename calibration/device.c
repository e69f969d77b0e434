/* device.c: loading device files (see device.h). */
#include "device.h"

#include <stdio.h>
#include <string.h>

#include "jsonfile.h"

typedef struct {
  const char *key;
  size_t off;
  double min, max;
} num_key;

#define NK(k, field, lo, hi)                                                                       \
  { k, offsetof(es_device, field), lo, hi }
static const num_key nums[] = {
    NK("memory_gib", memory_gib, 0.1, 1e6),
    NK("bandwidth_gbs", bandwidth_gbs, 0.1, 1e6),
    NK("int8_tops_dense", int8_tops, 0.001, 1e6),
    NK("fp16_tflops_dense", fp16_tflops, 0.001, 1e6),
    NK("power_active_w", power_active_w, 0.01, 1e5),
    NK("power_idle_w", power_idle_w, 0.0, 1e5),
    NK("runtime_reserve_gib", reserve_gib, 0.0, 1e6),
};

static void stem(const char *path, char *out, size_t n) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  size_t len = strcspn(b, ".");
  if (len >= n)
    len = n - 1;
  memcpy(out, b, len);
  out[len] = '\0';
}

static int fill(const cJSON *o, const char *path, es_device *d, char *err, size_t errlen) {
  const cJSON *hw = cJSON_GetObjectItemCaseSensitive(o, "hardware");
  if (!cJSON_IsString(hw) || strlen(hw->valuestring) >= sizeof d->hardware) {
    snprintf(err, errlen, "%s: hardware: must be a string of < 160 bytes", path);
    return -1;
  }
  strcpy(d->hardware, hw->valuestring);
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, nums[i].key);
    if (!cJSON_IsNumber(v) || v->valuedouble < nums[i].min || v->valuedouble > nums[i].max) {
      snprintf(err, errlen, "%s: %s: must be a number in [%g,%g]", path, nums[i].key, nums[i].min,
               nums[i].max);
      return -1;
    }
    *(double *)((char *)d + nums[i].off) = v->valuedouble;
  }
  const cJSON *fc = cJSON_GetObjectItemCaseSensitive(o, "fit_context_tokens");
  if (!cJSON_IsNumber(fc) || fc->valuedouble < 1 || fc->valuedouble > 1e7) {
    snprintf(err, errlen, "%s: fit_context_tokens: must be an integer in [1,1e7]", path);
    return -1;
  }
  d->fit_context = (int)fc->valuedouble;
  const cJSON *src = cJSON_GetObjectItemCaseSensitive(o, "sources");
  if (!cJSON_IsObject(src)) {
    snprintf(err, errlen, "%s: sources: must be an object", path);
    return -1;
  }
  d->sources = cJSON_Duplicate(src, 1);
  return d->sources ? 0 : -1;
}

int device_load(const char *path, es_device *d, char *err, size_t errlen) {
  memset(d, 0, sizeof *d);
  cJSON *o = jf_load(path, err, errlen);
  int rc = o ? fill(o, path, d, err, errlen) : -1;
  cJSON_Delete(o);
  stem(path, d->name, sizeof d->name);
  if (rc)
    device_destroy(d);
  return rc;
}

void device_destroy(es_device *d) {
  cJSON_Delete(d->sources);
  d->sources = NULL;
}
