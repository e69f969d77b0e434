#include "jsoncheck.h"

#include <cjson/cJSON.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

typedef struct jscan {
  const char *p, *end;
  const char *err, *what; /* the first error: where, and what was expected */
  int depth;              /* arrays and objects open at p */
} jscan;

static int jfail(jscan *j, const char *at, const char *what) {
  j->err = at, j->what = what;
  return -1;
}

static int more(const jscan *j) { return j->p < j->end; }

static void jws(jscan *j) {
  while (more(j) && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
    j->p++;
}

static int jvalue(jscan *j);

/* Length of the UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, at most U+10FFFF), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end) {
  size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
  if (!n || p[0] > 0xf4 || (size_t)(end - p) < n)
    return 0;
  for (size_t k = 1; k < n; k++)
    if ((p[k] & 0xc0) != 0x80)
      return 0;
  if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
      (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
    return 0;
  return n;
}

/* The code unit of the four hex digits at p (checked by the caller). */
static unsigned hex4(const char *p) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++)
    v = v * 16 + (unsigned)(p[k] <= '9' ? p[k] - '0' : (p[k] | 0x20) - 'a' + 10);
  return v;
}

static int is_hex4(const jscan *j, const char *p) {
  for (int k = 0; k < 4; k++)
    if (p + k >= j->end || !p[k] || !strchr("0123456789abcdefABCDEF", p[k]))
      return 0;
  return 1;
}

/* A \u escape at j->p (on the 'u'): four hex digits, not NUL (C strings end
 * there, so a name or key would be cut short silently), surrogates in pairs. */
static int jescape_u(jscan *j) {
  const char *bs = j->p - 1;
  if (!is_hex4(j, j->p + 1))
    return jfail(j, bs, "\\u needs four hex digits");
  unsigned u = hex4(j->p + 1);
  j->p += 4;
  if (u == 0)
    return jfail(j, bs, "\\u0000 (NUL) is not allowed in a string");
  if (u >= 0xdc00 && u <= 0xdfff)
    return jfail(j, bs, "unpaired UTF-16 surrogate in a \\u escape");
  if (u >= 0xd800 && u <= 0xdbff) {
    int escape = j->end - j->p >= 7 && j->p[1] == '\\' && j->p[2] == 'u' && is_hex4(j, j->p + 3);
    unsigned lo = escape ? hex4(j->p + 3) : 0; /* the low surrogate that must follow */
    if (lo < 0xdc00 || lo > 0xdfff)
      return jfail(j, bs, "unpaired UTF-16 surrogate in a \\u escape");
    j->p += 6;
  }
  return 0;
}

static int jstring(jscan *j) {
  const char *open = j->p++;
  for (; more(j) && *j->p != '"'; j->p++) {
    unsigned char ch = (unsigned char)*j->p;
    if (ch == '\n')
      return jfail(j, open, "unterminated string");
    if (ch < 0x20)
      return jfail(j, j->p, "control character inside a string");
    if (ch >= 0x80) {
      size_t n = utf8_len((const unsigned char *)j->p, (const unsigned char *)j->end);
      if (!n)
        return jfail(j, j->p, "invalid UTF-8 in a string (JSON text must be UTF-8)");
      j->p += n - 1;
      continue;
    }
    if (ch != '\\')
      continue;
    if (++j->p >= j->end)
      break;
    if (*j->p == 'u') {
      if (jescape_u(j))
        return -1;
    } else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
      return jfail(j, j->p - 1, "invalid escape in a string");
    }
  }
  if (!more(j))
    return jfail(j, open, "unterminated string");
  j->p++;
  return 0;
}

static int jdigits(jscan *j) {
  const char *s = j->p;
  while (more(j) && *j->p >= '0' && *j->p <= '9')
    j->p++;
  return j->p > s ? 0 : -1;
}

static int jnumber(jscan *j) {
  const char *s = j->p;
  if (*j->p == '-')
    j->p++;
  if (more(j) && *j->p == '0') {
    if (++j->p < j->end && *j->p >= '0' && *j->p <= '9')
      return jfail(j, s, "malformed number (no leading zeros)");
  } else if (jdigits(j))
    return jfail(j, s, "malformed number");
  if (more(j) && *j->p == '.' && (j->p++, jdigits(j)))
    return jfail(j, s, "malformed number (digits must follow '.')");
  if (more(j) && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (more(j) && (*j->p == '+' || *j->p == '-'))
      j->p++;
    if (jdigits(j))
      return jfail(j, s, "malformed number (digits must follow the exponent)");
  }
  return 0;
}

/* The members of an object or the items of an array, after its bracket. */
static int jitems(jscan *j, int object) {
  char close = object ? '}' : ']';
  if (++j->depth > CJSON_NESTING_LIMIT)
    return jfail(
        j, j->p - 1,
        "arrays and objects nested too deeply (the limit is " STR(CJSON_NESTING_LIMIT) ")");
  jws(j);
  if (more(j) && *j->p == close)
    return j->p++, j->depth--, 0;
  for (;;) {
    jws(j);
    if (more(j) && *j->p == close)
      return jfail(j, j->p,
                   object ? "expected a key after ',' (JSON has no trailing commas)"
                          : "expected a value after ',' (JSON has no trailing commas)");
    if (object) {
      if (!more(j) || *j->p != '"')
        return jfail(j, j->p, "expected a key in double quotes");
      if (jstring(j))
        return -1;
      jws(j);
      if (!more(j) || *j->p != ':')
        return jfail(j, j->p, "expected ':' after the key");
      j->p++;
    }
    if (jvalue(j))
      return -1;
    jws(j);
    if (more(j) && *j->p == ',') {
      j->p++;
      continue;
    }
    if (more(j) && *j->p == close)
      return j->p++, j->depth--, 0;
    return jfail(j, j->p, object ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static int starts(const jscan *j, const char *word) {
  size_t n = strlen(word);
  return (size_t)(j->end - j->p) >= n && !strncmp(j->p, word, n);
}

static int jvalue(jscan *j) {
  jws(j);
  if (!more(j))
    return jfail(j, j->p, "expected a value");
  char ch = *j->p;
  if (ch == '{' || ch == '[')
    return j->p++, jitems(j, ch == '{');
  if (ch == '"')
    return jstring(j);
  if (ch == '-' || (ch >= '0' && ch <= '9'))
    return jnumber(j);
  static const char *const lits[] = {"true", "false", "null"};
  for (int k = 0; k < 3; k++)
    if (starts(j, lits[k]))
      return j->p += strlen(lits[k]), 0;
  if (starts(j, "//") || starts(j, "/*"))
    return jfail(j, j->p, "expected a value (JSON has no comments)");
  if (ch == '\'')
    return jfail(j, j->p, "expected a value (JSON strings take double quotes)");
  if (starts(j, "NaN") || starts(j, "Infinity") || starts(j, "-Infinity"))
    return jfail(j, j->p, "expected a value (JSON has no NaN or Infinity)");
  return jfail(j, j->p, "expected a value");
}

int json_first_error(const char *buf, size_t len, const char **at, const char **what) {
  jscan j = {.p = buf, .end = buf + len};
  if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
    jfail(&j, buf,
          "a UTF-8 byte-order mark (JSON text must not start with one; save the file "
          "without it)");
  else if (!jvalue(&j)) {
    jws(&j);
    if (!more(&j))
      return -1;
    jfail(&j, j.p, "unexpected text after the JSON value");
  }
  *at = j.err, *what = j.what;
  return 0;
}
