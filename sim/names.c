#include "names.h"

/* Bytes of a refused character starting at u, or 0. */
static int bad_at(const unsigned char *u) {
  if (u[0] < 0x20 || u[0] == 0x7f || u[0] == ',' || u[0] == '"')
    return 1;
  if (u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F) /* C1 controls */
    return 2;
  if (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0xAA && u[2] <= 0xAE) /* U+202A-U+202E */
    return 3;
  if (u[0] == 0xE2 && u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9) /* U+2066-U+2069 */
    return 3;
  return 0;
}

int es_name_bad_char(const char *s, size_t *pos) {
  /* u[1] and u[2] are read only after u[0] (and u[1]) matched non-NUL
   * bytes, so nothing past the terminator is read. */
  for (const unsigned char *u = (const unsigned char *)s; *u; u++)
    if (bad_at(u)) {
      if (pos)
        *pos = (size_t)(u - (const unsigned char *)s);
      return 1;
    }
  return 0;
}
