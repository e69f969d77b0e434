/* mselect.h: choosing metrics by dotted name (--metrics a,b,c).
 *
 * A column is either a scalar metric of the ES_METRICS table
 * ("requests.redirected") or one field of one device instance
 * ("devices.3.token_utilization", instances numbered from 0 in the order of
 * the run's "devices" array). An ms_sel owns its column array: fill it with
 * ms_parse() or ms_all(), release it with ms_free().
 */
#ifndef ES_MSELECT_H
#define ES_MSELECT_H

#include <stdio.h>

#include "engine.h"
#include "err.h"

typedef struct ms_col {
  long dev;   /* -1: scalar metric; else device instance index */
  size_t idx; /* index in ES_METRICS, or in ES_DEV_METRICS when dev >= 0 */
} ms_col;

typedef struct ms_sel {
  ms_col *col;
  size_t n;
} ms_sel;

/* Every scalar metric reported under `groups` (engine.h, ES_MG_*), in
 * table order (the default CSV columns). ES_MG_ALL: every metric, so that
 * column i is metric i. */
int ms_all(ms_sel *out, unsigned groups, es_err *e);
/* Parses a comma-separated list of names. A device index must be below
 * `ndev`. Unknown names are ES_EINPUT errors listing the valid names. */
int ms_parse(const char *list, size_t ndev, ms_sel *out, es_err *e);
/* The same; an unknown name's message lists the metrics reported under
 * `groups` (ms_parse: every group but ES_MG_SVC). Every name is accepted. */
int ms_parse_g(const char *list, size_t ndev, unsigned groups, ms_sel *out, es_err *e);
/* ES_EINPUT when a column names a device at or beyond `ndev`. */
int ms_check(const ms_sel *s, size_t ndev, es_err *e);
void ms_free(ms_sel *s);

/* Writes the dotted name of column i into buf (at most n bytes). */
void ms_name(const ms_sel *s, size_t i, char *buf, size_t n);
double ms_value(const ms_sel *s, size_t i, const es_result *r);

#endif
