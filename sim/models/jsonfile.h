/* jsonfile.h: read and parse a whole JSON file.
 * Ownership: the caller frees the result with cJSON_Delete. */
#ifndef ES_JSONFILE_H
#define ES_JSONFILE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The parsed object, or NULL with one line in err: the file checks and
 * strict JSON of sim/ifile.h ("PATH: is a directory, ...", "PATH:LINE:COL:
 * JSON syntax error: ...", "PATH: file is larger than ...") or "PATH: not a
 * JSON object". */
cJSON *jf_load(const char *path, char *err, size_t errlen);

#endif
