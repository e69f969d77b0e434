/* compare.h: paired comparison of two variants under common random numbers.
 *
 * Replication r of variant A and of variant B run with the same seed, so
 * they see the same arrivals and token sizes. For each metric the cmp keeps
 * the statistics (summary.h) of A, of B and of the paired differences
 * d_r = B_r - A_r; the 95% CI of mean(d) "excludes zero" when
 * |mean(d)| > ci95(d). For reference it also reports the Welch CI the same
 * data would give if the pairing were ignored (sum_ci95_unpaired), which
 * common random numbers usually make several times wider. Results are
 * added as A0, B0, A1, B1, ...; memory is one value vector whatever n is.
 * The caller owns the cmp (cmp_new / cmp_free) and `sel`, which must
 * outlive it.
 */
#ifndef ES_COMPARE_H
#define ES_COMPARE_H

#include <stdio.h>

#include "engine.h"
#include "mselect.h"
#include "report.h"
#include "summary.h"

enum cmp_which { CMP_A, CMP_B, CMP_DIFF };

typedef struct cmp cmp;

/* NULL if out of memory. */
cmp *cmp_new(const ms_sel *sel);
void cmp_free(cmp *c);
/* Adds the next result: A and B alternate, starting with A. */
void cmp_add(cmp *c, const es_result *r);
const sum_acc *cmp_acc(const cmp *c, size_t col, enum cmp_which w);
int cmp_excludes_zero(const cmp *c, size_t col);

typedef struct cmp_labels {
  const char *a, *b; /* the variants' overrides, e.g. "dispatch.policy=random" */
  const char *policy_a, *policy_b;
  int ext; /* JSON: the queue/service metrics are shown (either variant has them) */
} cmp_labels;

/* Prints the comparison; JSON expects `sel` to be every scalar metric. */
void cmp_print(const cmp *c, FILE *f, enum rep_format fmt, int header, const cmp_labels *l);

#endif
