/* wl_arrays.c: number arrays in workload keys (wl_arrays.h). */
#include "wl_arrays.h"

int wl_num_array(kctx *c, const cJSON *v, const char *path, const key_row *item, size_t max,
                 double *out, size_t *n) {
  int len = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
  if (len < 1 || (size_t)len > max) {
    char got[96];
    key_count_text(v, got, sizeof got);
    return key_fail(c, path, "must be an array of 1 to %zu numbers, got %s", max, got);
  }
  size_t i = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, v) {
    char p[512];
    snprintf(p, sizeof p, "%s[%zu]", path, i);
    if (key_number(c, p, it, item, &out[i++]))
      return c->e->code;
  }
  *n = i;
  return 0;
}
