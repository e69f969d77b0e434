/* fuzz_set.c: libFuzzer target over --set overrides.
 *
 * The input is up to 8 lines, each one PATH=VALUE override, applied to a
 * fixed valid scenario (scenarios/bursty_loadaware.json, read once). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

#define MAX_SETS 8

static char *g_base;
static size_t g_base_len;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  FILE *f = fopen(EDGESIM_SOURCE_DIR "/scenarios/bursty_loadaware.json", "rb");
  if (!f || !(g_base = malloc(1 << 16)))
    abort();
  g_base_len = fread(g_base, 1, 1 << 16, f);
  fclose(f);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  char buf[4097];
  memcpy(buf, data, size);
  buf[size] = 0;
  const char *sets[MAX_SETS];
  size_t n = 0;
  for (char *line = buf; line && n < MAX_SETS;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = 0;
    sets[n++] = line;
    line = nl ? nl + 1 : NULL;
  }
  fuzz_load(g_base, g_base_len, sets, n);
  return 0;
}
