/* fuzz_scenario.c: libFuzzer target over the scenario parser and validator.
 * The input is the text of a scenario file. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_load((const char *)data, size, NULL, 0);
  return 0;
}
