/* wl_arrays.h: number arrays in workload keys (mmpp's rates and generator,
 * diurnal's profile), bound by a K_FUNC row with the bounds of an item row.
 */
#ifndef ES_WL_ARRAYS_H
#define ES_WL_ARRAYS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "keys.h"

/* Binds v, an array of 1 to max numbers, each checked against `item` (a
 * KEY_NUM row: its bounds), into out[0..*n). Fails naming the array or
 * the item ("workload.rates[2]: must be a number >= 0, got -1"). */
int wl_num_array(kctx *c, const cJSON *v, const char *path, const key_row *item, size_t max,
                 double *out, size_t *n);

#endif
