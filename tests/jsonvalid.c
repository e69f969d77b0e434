/* jsonvalid FILE...: exit 0 if every FILE is one valid JSON text, checked
 * like an input file (sim/ifile.c: strict RFC 8259, valid UTF-8, no NUL)
 * and then parsed by cJSON; else one line on stderr and exit 1. A test
 * helper for tests/json_output.sh: every JSON edgesim prints must pass. */
#include <stdio.h>
#include <stdlib.h>

#include "ifile.h"

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    char *buf = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    es_err e = {0};
    int rc = ifile_read(argv[i], "a JSON file", &buf, &len, &e);
    if (!rc)
      rc = ifile_parse_json(argv[i], buf, len, &root, &e);
    free(buf);
    cJSON_Delete(root);
    if (rc) {
      fprintf(stderr, "%s\n", e.msg);
      return 1;
    }
  }
  return 0;
}
