/* jsonfile.h: read and parse a whole JSON file.
 * Ownership: the caller frees the result with cJSON_Delete. */
#ifndef ES_JSONFILE_H
#define ES_JSONFILE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The parsed object, or NULL with one of "PATH: cannot read file",
 * "PATH:LINE: JSON syntax error", "PATH: not a JSON object" in err. */
cJSON *jf_load(const char *path, char *err, size_t errlen);

#endif
