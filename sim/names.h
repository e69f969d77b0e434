/* names.h: which characters a name may hold.
 *
 * Names (scenario, devices, profiles, LMs) end up in CSV rows, TSV headers,
 * JSON strings and one-line messages. A name may not hold C0 controls
 * (U+0000-U+001F), DEL (U+007F), C1 controls (U+0080-U+009F, as UTF-8
 * C2 80-C2 9F), bidirectional overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069, which reorder what a terminal shows), ',' or '"' (which
 * split or quote a CSV field). Other bytes, including ones that are not
 * UTF-8, are not judged here (JSON input is checked for UTF-8 already).
 */
#ifndef ES_NAMES_H
#define ES_NAMES_H

#include <stddef.h>

/* 1 if the NUL-terminated s holds a character a name may not hold, with
 * *pos the byte offset (from 0) where it starts; 0 otherwise (*pos
 * untouched). pos may be NULL. */
int es_name_bad_char(const char *s, size_t *pos);

#endif
