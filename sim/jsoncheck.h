/* jsoncheck.h: where a JSON text first breaks the grammar, and why.
 *
 * cJSON parses scenario files; when it fails, its error offset is sometimes
 * one past the culprit or at the end of the line. json_first_error() checks
 * the text against RFC 8259 (and cJSON's nesting limit) to name the first
 * error exactly: "expected ',' or '}'", "unterminated string", ... It only
 * reads the buffer and allocates nothing.
 */
#ifndef ES_JSONCHECK_H
#define ES_JSONCHECK_H

#include <stddef.h>

/* 0 and *at (a pointer into buf, or buf + len at the end) and *what (a
 * static phrase) for the first error of the `len` bytes at buf; -1 if the
 * text is valid JSON. */
int json_first_error(const char *buf, size_t len, const char **at, const char **what);

#endif
