#include "jsonint.h"

#include <string.h>

static int digit(char c) { return c >= '0' && c <= '9'; }

/* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing else.
 * Sets the parts' bounds: digits [i0, i1) before the point, [f0, f1) after. */
typedef struct num {
  int neg;
  size_t i0, i1, f0, f1;
  long long exp; /* saturates at +-1e15: any larger means "too large" or "not an integer" */
} num;

static int scan(const char *s, size_t len, num *n) {
  size_t p = 0;
  *n = (num){0};
  if (p < len && s[p] == '-')
    n->neg = 1, p++;
  n->i0 = p;
  if (p < len && s[p] == '0')
    p++;
  else if (p < len && digit(s[p]))
    while (p < len && digit(s[p]))
      p++;
  else
    return -1;
  n->i1 = n->f0 = n->f1 = p;
  if (p < len && s[p] == '.') {
    n->f0 = ++p;
    while (p < len && digit(s[p]))
      p++;
    if ((n->f1 = p) == n->f0)
      return -1;
  }
  if (p < len && (s[p] == 'e' || s[p] == 'E')) {
    int eneg = 0;
    p++;
    if (p < len && (s[p] == '+' || s[p] == '-'))
      eneg = s[p++] == '-';
    if (p == len || !digit(s[p]))
      return -1;
    for (; p < len && digit(s[p]); p++)
      if (n->exp < 1000000000000000LL)
        n->exp = n->exp * 10 + (s[p] - '0');
    if (eneg)
      n->exp = -n->exp;
  }
  return p == len ? 0 : -1;
}

/* The k-th significant digit (integer digits, then fraction digits). */
static char nth(const char *s, const num *n, size_t k) {
  size_t ni = n->i1 - n->i0;
  return k < ni ? s[n->i0 + k] : s[n->f0 + (k - ni)];
}

int json_uint64(const char *text, size_t len, uint64_t *out, const char **why) {
  num n;
  if (scan(text, len, &n))
    return *why = "not a JSON number", -1;
  /* value = D * 10^x, D the digits without the point, trimmed of zeros */
  size_t lo = 0, hi = (n.i1 - n.i0) + (n.f1 - n.f0);
  long long x = n.exp - (long long)(n.f1 - n.f0);
  while (lo < hi && nth(text, &n, lo) == '0')
    lo++;
  if (lo == hi) /* zero, whatever the sign and exponent */
    return *out = 0, 0;
  if (n.neg)
    return *why = "negative", -1;
  for (; nth(text, &n, hi - 1) == '0'; hi--)
    x++;
  if (x < 0)
    return *why = "not an integer", -1;
  if ((long long)(hi - lo) + x > 20)
    return *why = "larger than 2^64 - 1", -1;
  uint64_t v = 0;
  for (long long k = 0; k < (long long)(hi - lo) + x; k++) {
    uint64_t d = k < (long long)(hi - lo) ? (uint64_t)(nth(text, &n, lo + (size_t)k) - '0') : 0;
    if (v > (UINT64_MAX - d) / 10)
      return *why = "larger than 2^64 - 1", -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

/* ---- the text of a tree's numbers ---------------------------------------------- */

typedef struct cursor {
  const char *buf;
  size_t len, at; /* scan position */
} cursor;

/* The next number token at or after c->at, outside strings; 0 if none. */
static int next_number(cursor *c, size_t *start, size_t *end) {
  const char *s = c->buf;
  for (size_t p = c->at; p < c->len; p++) {
    if (s[p] == '"') { /* skip a string: keys and values */
      for (p++; p < c->len && s[p] != '"'; p++)
        if (s[p] == '\\')
          p++;
    } else if (s[p] == '-' || digit(s[p])) {
      size_t q = p;
      while (q < c->len && (digit(s[q]) || strchr("+-.eE", s[q])))
        q++;
      *start = p, *end = c->at = q;
      return 1;
    }
  }
  c->at = c->len;
  return 0;
}

static int attach(cJSON *item, cursor *c) {
  for (; item; item = item->next) {
    if (cJSON_IsNumber(item)) {
      size_t a, b;
      if (!next_number(c, &a, &b) || item->valuestring)
        return -1;
      if (!(item->valuestring = cJSON_malloc(b - a + 1)))
        return -1;
      memcpy(item->valuestring, c->buf + a, b - a);
      item->valuestring[b - a] = 0;
    }
    if (item->child && attach(item->child, c))
      return -1;
  }
  return 0;
}

int json_attach_number_text(cJSON *root, const char *buf, size_t len) {
  cursor c = {buf, len, 0};
  size_t a, b;
  if (!root || root->next || attach(root, &c))
    return -1;
  return next_number(&c, &a, &b) ? -1 : 0; /* a number the tree does not have */
}
