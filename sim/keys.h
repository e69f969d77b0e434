/* keys.h: the key binder. Scenario keys are rows, like Redis's
 * static_configs[]: a row owns its key, type, where the value goes (an
 * offset from the base the caller passes), bounds, default and help text.
 * Parsing, defaults, unknown-key and duplicate-key errors, `--help` and the
 * checks of README and the man page all read the rows.
 *
 * Kinds (workload kinds, limiter kinds, dispatch policies) are rows of a
 * registry (kind_reg): each kind owns its name, the keys it takes and a
 * parameter block (cfg) those keys fill. key_parse_kinded() binds an object
 * such as {"kind": "poisson", "rate_per_s": 2} to its kind's row: the
 * selector key picks the row, the kind's keys fill a fresh cfg, and a key
 * that belongs to another kind is refused by name ("workload.users: not a
 * key of workload kind 'poisson'").
 *
 * Every failure is one es_err line "FILE: PATH: what is allowed, got X"
 * (ES_EINPUT), or ES_ERUNTIME when out of memory. What was bound before a
 * failure stays in the caller's struct, which the caller frees as usual.
 */
#ifndef ES_KEYS_H
#define ES_KEYS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dist.h"
#include "err.h"

enum key_type {
  K_NUM,  /* double */
  K_INT,  /* uint64_t, an exact integer (bounds as doubles, so <= 2^53) */
  K_U64,  /* uint64_t, any of 0 .. 2^64 - 1, read exactly from the number's text */
  K_STR,  /* char[size], a name: no control characters, ',' or '"' */
  K_BOOL, /* int */
  K_ENUM, /* int: index into `names` */
  K_DIST, /* dist: an integer or {"values", "weights"} */
  K_OBJ,  /* nested object: rows `sub`, same base; int at `off` set to 1 if present */
  K_FUNC, /* parsed by `fn` */
};
enum { K_REQ = 1, K_LOX = 2 }; /* required; lower bound exclusive */

typedef struct kctx kctx;
typedef struct key_row key_row;

/* A custom value parser: binds v (at `path`) into base + row->off. */
typedef int (*key_fn)(kctx *c, const cJSON *v, const char *path, const key_row *row, char *base);

struct key_row {
  const char *key;
  enum key_type type;
  size_t off, size; /* offset from the base; K_STR buffer size */
  double lo, hi;    /* K_NUM and K_INT bounds */
  unsigned flags;
  const char *dflt; /* JSON text of the default; NULL: none */
  const void *sub;  /* K_OBJ: row table; K_ENUM: NULL-terminated names */
  key_fn fn;        /* K_FUNC */
  const char *help;
  const char *type_text; /* K_FUNC: its type in --help ("array", "tokens") */
};

/* Row makers: key, where, bounds, flags, default (JSON text), meaning. */
#define KEY_NUM(k, off, lo, hi, fl, d, help)                                                       \
  { k, K_NUM, off, 0, lo, hi, fl, d, NULL, NULL, help, NULL }
#define KEY_INT(k, off, lo, hi, fl, d, help)                                                       \
  { k, K_INT, off, 0, lo, hi, fl, d, NULL, NULL, help, NULL }
#define KEY_U64(k, off, d, help)                                                                   \
  { k, K_U64, off, 0, 0, 0, 0, d, NULL, NULL, help, NULL }
#define KEY_STR(k, off, size, help)                                                                \
  { k, K_STR, off, size, 0, 0, 0, NULL, NULL, NULL, help, NULL }
#define KEY_BOOL(k, off, d, help)                                                                  \
  { k, K_BOOL, off, 0, 0, 0, 0, d, NULL, NULL, help, NULL }
#define KEY_ENUM(k, off, names, fl, d, help)                                                       \
  { k, K_ENUM, off, 0, 0, 0, fl, d, names, NULL, help, NULL }
#define KEY_DIST(k, off, fl, d, help)                                                              \
  { k, K_DIST, off, 0, 0, 0, fl, d, NULL, NULL, help, NULL }
#define KEY_OBJ(k, seen_off, tab, fl, d, help)                                                     \
  { k, K_OBJ, seen_off, 0, 0, 0, fl, d, tab, NULL, help, NULL }
#define KEY_FUNC(k, off, fn, fl, d, type, help)                                                    \
  { k, K_FUNC, off, 0, 0, 0, fl, d, NULL, fn, help, type }
#define KEY_END                                                                                    \
  { 0 }

/* Parsing context. `file` names the input in messages; `user` is the
 * caller's (the scenario being built); `models_dir` where profiles live. */
struct kctx {
  const char *file;
  es_err *e;
  void *user;
  const char *models_dir;
  char *prof_path;  /* profile.c: the last profile read (owned), or NULL */
  cJSON *prof_root; /* ... and its tree */
};

/* ---- kinds --------------------------------------------------------------- */

/* The part of a kind's row the binder reads. Each variation point's ops
 * struct (wl_ops, lim_ops, disp_ops) starts with one. */
typedef struct kind_hdr {
  const char *name;    /* what the user writes */
  const char *help;    /* one line for --help and "must be one of" lists */
  const key_row *keys; /* the keys this kind takes (offsets into its cfg) */
  size_t cfg_size;     /* bytes of its parameter block (zeroed, then bound) */
  /* Rules across its keys, after they are bound (path: the object); NULL. */
  int (*check)(kctx *c, void *cfg, const char *path);
  /* Frees what the cfg owns (not the cfg itself); NULL if nothing. */
  void (*cfg_free)(void *cfg);
} kind_hdr;

typedef struct kind_reg {
  const char *what;            /* "workload kind", in messages */
  const char *selector;        /* the key naming the kind: "kind", "policy" */
  const kind_hdr *const *rows; /* NULL-terminated, in --help order */
  const char *dflt;            /* default kind name; NULL: the selector is required */
  const key_row *common;       /* keys every kind takes (offsets into common_base); or NULL */
} kind_reg;

/* Binds object `obj` at `path`: the selector picks the row (*row), a new
 * cfg of row->cfg_size bytes (*cfg, the caller frees it with kind_cfg_free)
 * takes the kind's keys, `common_base` the common keys. */
int key_parse_kinded(kctx *c, const cJSON *obj, const char *path, const kind_reg *reg,
                     char *common_base, const kind_hdr **row, void **cfg);
void kind_cfg_free(const kind_hdr *row, void *cfg);
/* The row named `name`, or NULL. */
const kind_hdr *kind_find(const kind_reg *reg, const char *name);
/* "\"a\", \"b\", \"c\"": the registry's names, for messages. */
void kind_names(const kind_reg *reg, char *buf, size_t n);

/* ---- objects and values ---------------------------------------------------- */

/* Binds the keys of object `obj` (at `path`) by the rows of `tab` into
 * `base`: unknown and duplicate keys are errors, missing required keys are
 * errors, defaults fill the rest. *seen (may be NULL) gets a bit per row
 * present. */
int key_parse_obj(kctx *c, const cJSON *obj, const char *path, const key_row *tab, char *base,
                  uint64_t *seen);
/* One value by its row (used by K_FUNC parsers for their items). */
int key_parse_value(kctx *c, const cJSON *v, const char *path, const key_row *row, char *base);
/* Checks v against a K_NUM/K_INT row's type and bounds into *out. */
int key_number(kctx *c, const char *path, const cJSON *v, const key_row *row, double *out);

/* "FILE: PATH: what" as ES_EINPUT (path may be empty). */
int key_fail(kctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* out = path + "." + key (or key alone at the top). */
void key_join(char *out, size_t n, const char *path, const char *key);
/* "an array of N" or what v is, for "got ..." in messages. */
void key_count_text(const cJSON *v, char *buf, size_t n);

/* Parses `len` bytes of JSON text (buf[len] == 0) like ifile_parse_json(),
 * and gives every number its text (jsonint.h), so K_U64 rows read exactly. */
int key_parse_json(const char *file, const char *buf, size_t len, cJSON **out, es_err *e);

/* ---- help -------------------------------------------------------------------- */

/* Prints rows as "  PATH TYPE DEFAULT MEANING" lines, nested objects
 * expanded. `note` (may be NULL) is appended to every meaning, e.g. the
 * kind a key belongs to. */
void key_print_rows(FILE *f, const key_row *tab, const char *path, const char *note);
void key_print_row(FILE *f, const key_row *row, const char *path, const char *note);
/* One printed row (the table's columns, or TSV). */
void key_print_line(FILE *f, const char *path, const char *type, const char *dflt,
                    const char *meaning, const char *note);
/* Rows as PATH TAB TYPE TAB DEFAULT TAB MEANING from now on (1), or the
 * aligned table of --help (0). A registry's kinds are rows PATH="NAME" of
 * type "kind". */
void key_print_tsv(int on);
/* Prints a registry: the selector with its kinds, the common keys, then
 * each kind's keys marked "(KIND)". */
void key_print_kinds(FILE *f, const kind_reg *reg, const char *path);

#endif
