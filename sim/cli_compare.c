/* cli_compare.c: `edgesim compare SCENARIO --set-a ... --set-b ...`.
 *
 * Variant A is the scenario with --set then --set-a overrides, B with --set
 * then --set-b. Replication r of both runs with seed
 * rng_replication_seed(base, r), base = --seed or A's scenario seed, so the
 * two variants share arrivals and token sizes (common random numbers). A
 * seed for one variant only (--set-a seed=N) would break that and is
 * refused. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "compare.h"
#include "rng.h"
#include "scenario.h"

#define DEFAULT_REPLICATIONS 20

typedef struct cmp_ctx {
  const scn *s[2];
  uint64_t seed;
  cmp *c;
} cmp_ctx;

static void task(void *arg, size_t i, bat_task *t) {
  const cmp_ctx *x = arg;
  *t = (bat_task){.s = x->s[i % 2], .seed = rng_replication_seed(x->seed, i / 2)};
}

static int sink(void *arg, size_t i, const es_result *r, es_err *e) {
  (void)i, (void)e;
  cmp_add(((cmp_ctx *)arg)->c, r);
  return 0;
}

/* Loads the common overrides followed by one variant's. */
static int load(const cli *c, const char *const *extra, size_t nextra, const char *which, scn **out,
                es_err *e) {
  const char *sets[2 * CLI_MAX_SETS];
  memcpy(sets, c->sets, c->nsets * sizeof *sets);
  memcpy(sets + c->nsets, extra, nextra * sizeof *sets);
  int rc = scn_load(c->scenario, sets, c->nsets + nextra, c->models, out, e);
  if (!rc)
    rc = cli_check_warmup(c, *out, e);
  if (rc)
    es_err_prefix(e, which);
  return rc;
}

/* The overrides of one variant joined by spaces, for the labels: a new
 * string (NULL: out of memory), whole whatever its length. */
static char *join(const char *const *sets, size_t k) {
  size_t n = 1;
  for (size_t i = 0; i < k; i++)
    n += strlen(sets[i]) + 1;
  char *buf = malloc(k ? n : sizeof "(scenario as is)");
  if (!buf || !k)
    return buf ? strcpy(buf, "(scenario as is)") : NULL;
  buf[0] = 0;
  for (size_t i = 0, at = 0; i < k; i++) {
    if (i)
      buf[at++] = ' ';
    size_t l = strlen(sets[i]);
    memcpy(buf + at, sets[i], l + 1);
    at += l;
  }
  return buf;
}

static int selection(const cli *c, const scn *const *s, ms_sel *sel, es_err *e) {
  if (c->format == REP_JSON)
    return ms_all(sel, ES_MG_ALL, e); /* JSON always has the full nested shape */
  if (!c->metrics) /* every metric, the queue/service ones when a variant has them */
    return ms_all(sel, (ES_MG_ALL & ~ES_MG_SVC) | es_metric_groups(s[0]) | es_metric_groups(s[1]),
                  e);
  unsigned g = (ES_MG_ALL & ~ES_MG_SVC) | es_metric_groups(s[0]) | es_metric_groups(s[1]);
  int rc = ms_parse_g(c->metrics, s[0]->ninst, g, sel, e);
  return rc ? rc : ms_check(sel, s[1]->ninst, e);
}

static int run(const cli *c, cmp_ctx *x, size_t n, es_err *e) {
  ms_sel sel = {0};
  int rc = selection(c, x->s, &sel, e);
  if (!rc && !(x->c = cmp_new(&sel)))
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (!rc)
    rc = bat_run(2 * n, c->jobs, &c->run, task, sink, x, e);
  char *a = rc ? NULL : join(c->set_a, c->nset_a), *b = rc ? NULL : join(c->set_b, c->nset_b);
  if (!rc && (!a || !b))
    rc = es_fail(e, ES_ERUNTIME, "edgesim: out of memory");
  if (!rc) {
    cmp_labels l = {a, b, scn_policy_name(x->s[0]), scn_policy_name(x->s[1]),
                    es_metric_groups(x->s[0]) | es_metric_groups(x->s[1])};
    cmp_print(x->c, stdout, c->format, c->header, &l);
  }
  free(a);
  free(b);
  cmp_free(x->c);
  ms_free(&sel);
  return rc;
}

int cli_compare(const cli *c, es_err *e) {
  size_t n = c->has_reps ? c->reps : DEFAULT_REPLICATIONS;
  if (n < 2)
    return es_fail(e, ES_EINPUT,
                   "edgesim compare: --replications: must be >= 2 for a "
                   "confidence interval, got %zu",
                   n);
  for (size_t i = 0; i < c->nset_a + c->nset_b; i++) {
    const char *set = i < c->nset_a ? c->set_a[i] : c->set_b[i - c->nset_a];
    if (!strncmp(set, "seed=", 5))
      return es_fail(e, ES_EINPUT,
                     "edgesim compare: --set-%c %s: both variants run on the same seeds "
                     "(common random numbers); give the seed with --seed or --set seed=N",
                     i < c->nset_a ? 'a' : 'b', set);
  }
  if (!c->nset_a && !c->nset_b)
    return es_fail(e, ES_EINPUT,
                   "edgesim compare: give the variants with --set-a PATH=VALUE "
                   "and/or --set-b PATH=VALUE");
  scn *s[2] = {NULL, NULL};
  int rc = load(c, c->set_a, c->nset_a, "edgesim compare: variant A", &s[0], e);
  if (!rc)
    rc = load(c, c->set_b, c->nset_b, "edgesim compare: variant B", &s[1], e);
  if (!rc) {
    cmp_ctx x = {{s[0], s[1]}, c->has_seed ? c->seed : s[0]->seed, NULL};
    rc = run(c, &x, n, e);
  }
  scn_free(s[0]);
  scn_free(s[1]);
  return rc;
}
