/* report.h: printing a run's results as text, JSON or CSV.
 *
 * All three come from the metric table in engine.h, so a metric added there
 * appears everywhere. Numbers print deterministically: whole numbers as
 * integers, others with 10 significant digits.
 */
#ifndef ES_REPORT_H
#define ES_REPORT_H

#include <stdio.h>

#include "engine.h"
#include "scenario.h"

enum rep_format { REP_TEXT, REP_JSON, REP_CSV };

void rep_number(FILE *f, double x);
/* Prints x with the printf format fmt (one double conversion), but never
 * a negative zero: -0.0, or -0.0004 printed as "%.2f", prints "0" / "0.00"
 * (keeping a right-aligned width). fmt's literal text must hold no '-'. */
void rep_cell(FILE *f, const char *fmt, double x);
/* Prints s as a JSON string: quotes, backslashes, C0 controls and DEL
 * escaped, valid UTF-8 as is, and each byte that is not part of valid UTF-8
 * (a file name can hold any byte) as \ufffd, so the output is always valid
 * JSON. Every string edgesim prints in JSON goes through here. */
void rep_json_string(FILE *f, const char *s);
void rep_text(FILE *f, const scn *s, const es_result *r);
void rep_json(FILE *f, const es_result *r);
void rep_csv_header(FILE *f);
void rep_csv_row(FILE *f, const es_result *r);

/* Prints the scalar metrics as nested JSON members (no outer braces),
 * indented by `indent`, with leaf(i) printing the value of metric i. */
void rep_json_metrics(FILE *f, int indent, unsigned groups,
                      void (*leaf)(FILE *f, size_t i, void *arg), void *arg);

#endif
