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
void rep_csv_header(FILE *f); /* the paper model's columns (ext 0) */
void rep_csv_row(FILE *f, const es_result *r);

/* Prints the scalar metrics as nested JSON members (no outer braces),
 * indented by `indent`, with leaf(i) printing the value of metric i. */
void rep_json_metrics(FILE *f, int indent, void (*leaf)(FILE *f, size_t i, void *arg), void *arg);
/* The same for results with `ext` (engine.h): leaf(k) prints the k-th
 * shown metric in output order, es_metric_order(ext, k). */
void rep_json_metrics_x(FILE *f, int indent, int ext, void (*leaf)(FILE *f, size_t k, void *arg),
                        void *arg);
/* rep_csv_header for results with `ext`. */
void rep_csv_header_x(FILE *f, int ext);

#endif
