/* setpatch.h: --set PATH=VALUE overrides, applied to a parsed JSON tree
 * before validation.
 *
 * PATH is dotted; components that are decimal numbers without leading
 * zeros index arrays; missing object keys are created (validation then
 * rejects unknown ones). VALUE is parsed as strict JSON, else taken as a
 * string; a VALUE that opens a string, array or object must be valid JSON.
 * On failure the tree may hold the parts of the path created so far.
 */
#ifndef ES_SETPATCH_H
#define ES_SETPATCH_H

#include <cjson/cJSON.h>

#include "err.h"

/* Applies one "PATH=VALUE" to `root`; `file` names the input in messages. */
int setpatch_apply(const char *file, cJSON *root, const char *set, es_err *e);

#endif
