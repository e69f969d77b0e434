/* replay.c: runs a fuzz target's LLVMFuzzerTestOneInput over files named on
 * the command line, without libFuzzer, so that ordinary (and sanitizer)
 * builds replay the seed and regression corpora as a ctest case. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  size_t cap = 1 << 20;
  unsigned char *buf = malloc(cap);
  if (!buf)
    return 1;
  int n = 0;
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) /* directories and vanished files: nothing to replay */
      continue;
    size_t len = fread(buf, 1, cap, f);
    int bad = ferror(f);
    fclose(f);
    if (bad)
      continue;
    LLVMFuzzerTestOneInput(buf, len);
    n++;
  }
  free(buf);
  printf("replayed %d inputs without a finding\n", n);
  return 0;
}
