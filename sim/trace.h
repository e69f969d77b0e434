/* trace.h: reading request traces, one request per line, streamed.
 *
 * A trace is a CSV file with a header line and rows `TIME,PROMPT,OUTPUT`:
 * TIME either seconds (a number) or a timestamp `YYYY-MM-DD HH:MM:SS[.frac]`
 * (UTC, as in the Azure LLM inference traces); PROMPT and OUTPUT token
 * counts, integers, OUTPUT >= 1. Times are returned relative to the first
 * row and must not decrease. Opened with a difficulty column COL
 * (difficulty.column, route.h), the header is one of those followed by
 * `,COL` and every row has a fourth field, the request's difficulty: a
 * decimal number in [0, 1]. The reader holds one line at a time: memory
 * does not depend on the trace's length. It owns its FILE.
 */
#ifndef ES_TRACE_H
#define ES_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

typedef struct trace {
  FILE *f;
  char path[1024];
  uint64_t line; /* line number of the last row read */
  double t0;     /* absolute time of the first row, seconds */
  double last;   /* relative time of the last row */
  int started;
  char col[64]; /* the difficulty column's name; "": none */
} trace;

typedef struct trace_row {
  double t;        /* seconds since the first row */
  uint64_t prompt; /* prompt tokens */
  uint64_t tokens; /* output tokens, >= 1 */
  double d;        /* difficulty in [0, 1] (with a difficulty column), else 0 */
} trace_row;

/* Opens PATH and checks its header (with the difficulty column `col`, or
 * none when NULL or ""); ES_EINPUT with "PATH: ..." on failure. */
int trace_open(trace *tr, const char *path, const char *col, es_err *e);
/* Reads the next row: 1 read, 0 at the end, -1 on a bad row (e names
 * PATH:LINE and what is wrong). */
int trace_next(trace *tr, trace_row *row, es_err *e);
void trace_close(trace *tr);

#endif
