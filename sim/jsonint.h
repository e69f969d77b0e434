/* jsonint.h: exact 64-bit unsigned integers from the text of JSON numbers.
 *
 * cJSON keeps a number only as a double, which holds integers exactly up to
 * 2^53: "9007199254740993" reads as 9007199254740992 and
 * "1.0000000000000001" as 1. A seed is any of the 2^64 values, so its reader
 * needs the number's text. json_uint64() decides from the text alone;
 * json_attach_number_text() hands every number of a parsed tree its text,
 * in the item's valuestring (which cJSON leaves NULL for numbers, copies in
 * cJSON_Duplicate() and frees in cJSON_Delete()). Neither keeps a pointer
 * to the caller's buffer.
 */
#ifndef ES_JSONINT_H
#define ES_JSONINT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* The `len` bytes at `text`, one JSON number (RFC 8259, nothing around it),
 * as an integer in [0, 2^64 - 1]. Every spelling of such a value is taken:
 * 1e3, 1.0, 150e-2 is not (1.5), -0 is 0. 0 and *out on success; -1 and
 * *why, a static phrase ("not a JSON number", "not an integer", "negative",
 * "larger than 2^64 - 1"), otherwise, *out untouched. */
int json_uint64(const char *text, size_t len, uint64_t *out, const char **why);

/* Sets the valuestring of every number item under `root` (root included),
 * in document order, to a copy of the text of the matching number in the
 * `len` bytes at `buf`: the text `root` was parsed from, which must be
 * valid JSON (json_first_error() found nothing). 0 on success; -1 if out of
 * memory or the text's numbers do not match the tree's (not its text), with
 * the items done so far keeping their copies. */
int json_attach_number_text(cJSON *root, const char *buf, size_t len);

#endif
