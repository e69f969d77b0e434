#include "compare.h"

#include <math.h>
#include <stdlib.h>

struct cmp {
  const ms_sel *sel;
  sum_acc *acc; /* sel->n x {A, B, diff} */
  double *a;    /* current replication's A values, sel->n */
  size_t added; /* results added (A and B each count) */
};

cmp *cmp_new(const ms_sel *sel) {
  cmp *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->sel = sel;
  c->acc = calloc(3 * sel->n + 1, sizeof *c->acc);
  c->a = calloc(sel->n + 1, sizeof *c->a);
  if (!c->acc || !c->a)
    return cmp_free(c), NULL;
  for (size_t i = 0; i < 3 * sel->n; i++)
    sum_init(&c->acc[i]);
  return c;
}

void cmp_free(cmp *c) {
  if (c) {
    free(c->acc);
    free(c->a);
  }
  free(c);
}

const sum_acc *cmp_acc(const cmp *c, size_t col, enum cmp_which w) {
  return &c->acc[3 * col + (size_t)w];
}

void cmp_add(cmp *c, const es_result *r) {
  int is_b = c->added++ % 2;
  for (size_t i = 0; i < c->sel->n; i++) {
    double v = ms_value(c->sel, i, r);
    sum_add(&c->acc[3 * i + (size_t)is_b], v);
    if (is_b)
      sum_add(&c->acc[3 * i + CMP_DIFF], v - c->a[i]);
    else
      c->a[i] = v;
  }
}

int cmp_excludes_zero(const cmp *c, size_t col) {
  const sum_acc *d = cmp_acc(c, col, CMP_DIFF);
  return fabs(sum_mean(d)) > sum_ci95(d);
}

static double unpaired(const cmp *c, size_t i) {
  return sum_ci95_unpaired(cmp_acc(c, i, CMP_A), cmp_acc(c, i, CMP_B));
}

/* ---- printing ------------------------------------------------------------- */

static void stats(FILE *f, const sum_acc *a) {
  double v[5] = {sum_mean(a), sum_std(a), sum_ci95(a), a->min, a->max};
  static const char *const name[] = {"mean", "std", "ci95", "min", "max"};
  for (int k = 0; k < 5; k++) {
    fprintf(f, "%s\"%s\": ", k ? ", " : "{", name[k]);
    rep_number(f, v[k]);
  }
  fputc('}', f);
}

static void leaf(FILE *f, size_t i, void *arg) {
  const cmp *c = arg;
  fputs("{\"a\": ", f);
  stats(f, cmp_acc(c, i, CMP_A));
  fputs(", \"b\": ", f);
  stats(f, cmp_acc(c, i, CMP_B));
  fputs(", \"diff\": ", f);
  stats(f, cmp_acc(c, i, CMP_DIFF));
  fputs(", \"ci95_unpaired\": ", f);
  rep_number(f, unpaired(c, i));
  fprintf(f, ", \"excludes_zero\": %s}", cmp_excludes_zero(c, i) ? "true" : "false");
}

static void json_variant(FILE *f, const char *key, const char *sets, const char *policy) {
  fprintf(f, "  \"%s\": {\"set\": \"", key);
  for (const char *s = sets; *s; s++)
    fprintf(f, (*s == '"' || *s == '\\') ? "\\%c" : "%c", *s);
  fprintf(f, "\", \"policy\": \"%s\"},\n", policy);
}

static void print_json(const cmp *c, FILE *f, const cmp_labels *l) {
  fprintf(f, "{\n  \"replications\": %zu,\n  \"difference\": \"b - a\",\n", c->added / 2);
  json_variant(f, "a", l->a, l->policy_a);
  json_variant(f, "b", l->b, l->policy_b);
  fputs("  \"metrics\": {", f);
  rep_json_metrics_x(f, 4, l->ext, leaf, (void *)c);
  fputs("\n  }\n}\n", f);
}

static void print_csv(const cmp *c, FILE *f, int header) {
  char name[128];
  if (header)
    fputs("metric,mean_a,mean_b,diff_mean,diff_std,diff_ci95,diff_min,diff_max,ci95_unpaired,"
          "excludes_zero\n",
          f);
  for (size_t i = 0; i < c->sel->n; i++) {
    const sum_acc *d = cmp_acc(c, i, CMP_DIFF);
    double v[8] = {sum_mean(cmp_acc(c, i, CMP_A)),
                   sum_mean(cmp_acc(c, i, CMP_B)),
                   sum_mean(d),
                   sum_std(d),
                   sum_ci95(d),
                   d->min,
                   d->max,
                   unpaired(c, i)};
    ms_name(c->sel, i, name, sizeof name);
    fputs(name, f);
    for (int k = 0; k < 8; k++) {
      fputc(',', f);
      rep_number(f, v[k]);
    }
    fprintf(f, ",%d\n", cmp_excludes_zero(c, i));
  }
}

static void print_text(const cmp *c, FILE *f, const cmp_labels *l) {
  char name[128];
  size_t n = c->added / 2;
  fprintf(f, "compare    A: %s (policy %s)\n           B: %s (policy %s)\n", l->a, l->policy_a,
          l->b, l->policy_b);
  fprintf(f,
          "           %zu paired replications under common random numbers; d = B - A; "
          "95%% Student-t CI (t = %.4g)\n\n",
          n, sum_t975((double)n - 1));
  fprintf(f, "%-30s %12s %12s %12s   %-11s %14s  %s\n", "metric", "mean A", "mean B", "mean d",
          "± ci95", "± ci95 unpaired", "CI excludes 0");
  for (size_t i = 0; i < c->sel->n; i++) {
    ms_name(c->sel, i, name, sizeof name);
    const sum_acc *d = cmp_acc(c, i, CMP_DIFF);
    fprintf(f, "%-30s %12.6g %12.6g %12.6g ± %-11.4g %14.4g    %s\n", name,
            sum_mean(cmp_acc(c, i, CMP_A)), sum_mean(cmp_acc(c, i, CMP_B)), sum_mean(d),
            sum_ci95(d), unpaired(c, i), cmp_excludes_zero(c, i) ? "yes" : "no");
  }
}

void cmp_print(const cmp *c, FILE *f, enum rep_format fmt, int header, const cmp_labels *l) {
  if (fmt == REP_JSON)
    print_json(c, f, l);
  else if (fmt == REP_CSV)
    print_csv(c, f, header);
  else
    print_text(c, f, l);
}
