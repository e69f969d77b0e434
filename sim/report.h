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
void rep_text(FILE *f, const scn *s, const es_result *r);
void rep_json(FILE *f, const es_result *r);
void rep_csv_header(FILE *f);
void rep_csv_row(FILE *f, const es_result *r);

/* Prints the scalar metrics as nested JSON members (no outer braces),
 * indented by `indent`, with leaf(i) printing the value of metric i. */
void rep_json_metrics(FILE *f, int indent, unsigned groups,
                      void (*leaf)(FILE *f, size_t i, void *arg), void *arg);

#endif
