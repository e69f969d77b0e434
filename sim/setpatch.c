/* setpatch.c: --set overrides (setpatch.h). */
#include "setpatch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsoncheck.h"
#include "jsonint.h"

/* Applies "PATH=VALUE" to the tree: PATH is dotted, numbers index arrays;
 * missing object keys are created (validation then rejects unknown ones).
 * VALUE is parsed as JSON, else taken as a string. */
int setpatch_apply(const char *file, cJSON *root, const char *set, es_err *e) {
  const char *eq = strchr(set, '=');
  if (!eq || eq == set)
    return es_fail(e, ES_EINPUT, "%s: --set %s: expected PATH=VALUE, e.g. limiter.window_s=30",
                   file, set);
  char path[512];
  size_t plen = (size_t)(eq - set);
  if (plen >= sizeof path)
    return es_fail(e, ES_EINPUT, "%s: --set %.40s...: path is too long", file, set);
  memcpy(path, set, plen);
  path[plen] = 0;
  cJSON *cur = root;
  char done[512] = "";
  for (char *tok = path, *next; tok; tok = next) {
    char *dot = strchr(tok, '.');
    next = dot ? dot + 1 : NULL;
    if (dot)
      *dot = 0;
    if (!*tok)
      return es_fail(e, ES_EINPUT, "%s: --set %s: empty component in the path '%.*s'", file, set,
                     (int)plen, set);
    cJSON *child;
    if (cJSON_IsArray(cur)) {
      char *endp;
      errno = 0;
      long k = strtol(tok, &endp, 10);
      int n = cJSON_GetArraySize(cur);
      if (n == 0)
        return es_fail(e, ES_EINPUT, "%s: --set %s: %s is an empty array", file, set, done);
      if (*endp || errno || k < 0 || k >= n || !(*tok >= '0' && *tok <= '9') ||
          (tok[0] == '0' && tok[1]))
        return es_fail(e, ES_EINPUT,
                       "%s: --set %s: %s has %d entries, index must be 0 to %d, got '%s'", file,
                       set, done, n, n - 1, tok);
      child = cJSON_GetArrayItem(cur, (int)k);
    } else if (cJSON_IsObject(cur)) {
      child = cJSON_GetObjectItemCaseSensitive(cur, tok);
    } else {
      return es_fail(e, ES_EINPUT, "%s: --set %s: %s is not an object or array", file, set, done);
    }
    if (!next) { /* last component: replace or add */
      /* The whole VALUE must be JSON ("1 2" is the string "1 2", not 1),
       * strict RFC 8259 like the files; a VALUE that opens a string, array
       * or object must be valid JSON, since taking it as a string would
       * hide the mistake. */
      const char *val = eq + 1, *at, *what;
      int strict = json_first_error(val, strlen(val), &at, &what) != 0;
      if (!strict && *val && strchr("\"[{", *val))
        return es_fail(e, ES_EINPUT, "%s: --set %s: VALUE is not valid JSON: %s at character %zu",
                       file, set, what, (size_t)(at - val) + 1);
      cJSON *v = strict ? cJSON_ParseWithOpts(val, NULL, 1) : NULL;
      if (v && json_attach_number_text(v, val, strlen(val))) { /* exact integers */
        cJSON_Delete(v);
        return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
      }
      if (!v)
        v = cJSON_CreateString(val);
      if (!v)
        return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
      int ok;
      if (cJSON_IsArray(cur))
        ok = cJSON_ReplaceItemViaPointer(cur, child, v);
      else if (child) /* keeps the key, and its place among the keys */
        ok = cJSON_ReplaceItemInObjectCaseSensitive(cur, tok, v);
      else
        ok = cJSON_AddItemToObject(cur, tok, v);
      if (!ok) {
        cJSON_Delete(v);
        return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
      }
      return 0;
    }
    if (!child) {
      child = cJSON_AddObjectToObject(cur, tok);
      if (!child)
        return es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
    }
    size_t l = strlen(done), t = strlen(tok); /* fits: done is a prefix of path */
    if (l)
      done[l++] = '.';
    memcpy(done + l, tok, t + 1);
    cur = child;
  }
  return es_fail(e, ES_EINPUT, "%s: --set %s: empty path", file, set);
}
