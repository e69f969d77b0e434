/* jsonfile.c: see jsonfile.h. */
#include "jsonfile.h"

#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)))
            buf[fread(buf, 1, (size_t)n, f)] = '\0';
    }
    fclose(f);
    return buf;
}

cJSON *jf_load(const char *path, char *err, size_t errlen) {
    char *text = slurp(path);
    if (!text) {
        snprintf(err, errlen, "%s: cannot read file", path);
        return NULL;
    }
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithOpts(text, &end, 0);
    if (!o) {
        int line = 1;
        for (const char *c = text; end && c < end; c++) line += *c == '\n';
        snprintf(err, errlen, "%s:%d: JSON syntax error", path, line);
    } else if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "%s: not a JSON object", path);
        cJSON_Delete(o);
        o = NULL;
    }
    free(text);
    return o;
}
