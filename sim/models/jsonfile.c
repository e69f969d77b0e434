/* jsonfile.c: see jsonfile.h. */
#include "jsonfile.h"

#include <stdio.h>
#include <stdlib.h>

#include "ifile.h"

cJSON *jf_load(const char *path, char *err, size_t errlen) {
  es_err e = {0};
  char *text = NULL;
  size_t len = 0;
  cJSON *o = NULL;
  if (!ifile_read(path, "a JSON file", &text, &len, &e) &&
      !ifile_parse_json(path, text, len, &o, &e) && !cJSON_IsObject(o)) {
    cJSON_Delete(o);
    o = NULL;
    es_fail(&e, ES_EINPUT, "%s: not a JSON object", path);
  }
  free(text);
  if (!o)
    snprintf(err, errlen, "%s", e.msg);
  return o;
}
