#include "report.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

void rep_number(FILE *f, double x) {
  if (!isfinite(x))
    fputs("null", f); /* never expected: metrics guard their divisions */
  else if (x == floor(x) && fabs(x) < 1e15)
    fprintf(f, "%.0f", x == 0 ? 0.0 : x); /* no "-0" */
  else
    fprintf(f, "%.10g", x);
}

/* Length of the common group prefix of two dotted names, in components. */
static int depth_of(const char *name) {
  int d = 0;
  for (; *name; name++)
    d += *name == '.';
  return d;
}

static int common_groups(const char *a, const char *b) {
  int n = 0;
  for (;;) {
    const char *da = strchr(a, '.'), *db = strchr(b, '.');
    if (!da || !db || da - a != db - b || strncmp(a, b, (size_t)(da - a)))
      return n;
    n++;
    a = da + 1, b = db + 1;
  }
}

static const char *component(const char *name, int k, int *len) {
  for (; k > 0; k--)
    name = strchr(name, '.') + 1;
  const char *dot = strchr(name, '.');
  *len = dot ? (int)(dot - name) : (int)strlen(name);
  return name;
}

void rep_json_metrics(FILE *f, int indent, void (*leaf)(FILE *f, size_t i, void *arg), void *arg) {
  rep_json_metrics_x(f, indent, 0, leaf, arg);
}

void rep_json_metrics_x(FILE *f, int indent, int ext, void (*leaf)(FILE *f, size_t i, void *arg),
                        void *arg) {
  const char *prev = "";
  int open = 0; /* groups of the previous name still open */
  for (size_t i = 0; i < es_metric_shown(ext); i++) {
    const char *name = es_metric_name(es_metric_order(ext, i));
    int keep = common_groups(prev, name), groups = depth_of(name), len;
    for (; open > keep; open--)
      fprintf(f, "\n%*s}", indent + 2 * (open - 1), "");
    if (i)
      fputc(',', f);
    for (; open < groups; open++) {
      const char *c = component(name, open, &len);
      fprintf(f, "\n%*s\"%.*s\": {", indent + 2 * open, "", len, c);
    }
    const char *c = component(name, groups, &len);
    fprintf(f, "\n%*s\"%.*s\": ", indent + 2 * open, "", len, c);
    leaf(f, i, arg);
    prev = name;
  }
  for (; open > 0; open--)
    fprintf(f, "\n%*s}", indent + 2 * (open - 1), "");
}

static void leaf_value(FILE *f, size_t k, void *arg) {
  const es_result *r = arg;
  rep_number(f, es_metric_value(r, es_metric_order(r->ext, k)));
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      fprintf(f, "\\%c", ch);
    else if (ch < 0x20)
      fprintf(f, "\\u%04x", ch);
    else
      fputc(ch, f);
  }
  fputc('"', f);
}

void rep_json(FILE *f, const es_result *r) {
  fputs("{\n  \"scenario\": ", f);
  json_string(f, r->scenario);
  fprintf(f, ",\n  \"seed\": %llu,\n  \"policy\": ", (unsigned long long)r->seed);
  json_string(f, r->policy);
  fputc(',', f);
  rep_json_metrics_x(f, 2, r->ext, leaf_value, (void *)r);
  fputs(",\n  \"devices\": [", f);
  for (size_t i = 0; i < r->ndev; i++) {
    fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
    json_string(f, r->dev[i].name);
    for (size_t k = 0; k < es_dev_metric_shown(r->ext); k++) {
      fprintf(f, ", \"%s\": ", es_dev_metric_name(k));
      rep_number(f, es_dev_metric_value(&r->dev[i], k));
    }
    fputc('}', f);
  }
  fputs("\n  ]\n}\n", f);
}

void rep_csv_header(FILE *f) { rep_csv_header_x(f, 0); }

void rep_csv_header_x(FILE *f, int ext) {
  fputs("scenario,policy,seed", f);
  for (size_t i = 0; i < es_metric_shown(ext); i++)
    fprintf(f, ",%s", es_metric_name(es_metric_order(ext, i)));
  fputc('\n', f);
}

void rep_csv_row(FILE *f, const es_result *r) {
  fprintf(f, "%s,%s,%llu", r->scenario, r->policy, (unsigned long long)r->seed);
  for (size_t i = 0; i < es_metric_shown(r->ext); i++) {
    fputc(',', f);
    rep_number(f, es_metric_value(r, es_metric_order(r->ext, i)));
  }
  fputc('\n', f);
}

static double pct(double a, double b) { return b > 0 ? 100 * a / b : 0; }

void rep_text(FILE *f, const scn *s, const es_result *r) {
  fprintf(f, "scenario   %s (seed %llu, policy %s, %s workload, %.0f s, window %.6g s)\n",
          r->scenario, (unsigned long long)r->seed, r->policy, scn_workload_name(s), s->duration_s,
          s->lim.window_s);
  fprintf(f,
          "requests   %.0f generated: %.0f at the edge (%.1f%%), %.0f redirected (%.1f%%), "
          "%.0f dropped\n",
          r->generated, r->edge_served, pct(r->edge_served, r->generated), r->redirected,
          pct(r->redirected, r->generated), r->dropped);
  fprintf(f,
          "tokens     %.0f generated: %.0f at the edge, %.0f to the cloud (%.1f%%), %.0f "
          "dropped\n",
          r->tok_generated, r->tok_edge, r->tok_cloud, 100 * r->tok_cloud_fraction, r->tok_dropped);
  fprintf(f, "cost       cloud $%.4f, edge energy %.2f Wh ($%.4f), total $%.4f\n", r->cloud_usd,
          r->energy_wh, r->energy_usd, r->total_usd);
  fprintf(f, "per reply  edge $%.6f (energy), cloud $%.6f\n", r->cpr_edge, r->cpr_cloud);
  if (s->has_quality)
    fprintf(f,
            "pcr        utility %.4f per request, cost $%.6f per response, PCR %.4g per US cent\n",
            r->pcr_utility, r->pcr_cpr, r->pcr_ratio);
  static const char *const which[] = {"edge", "cloud", "all"};
  for (int k = 0; k < 3; k++)
    fprintf(f, "latency    %-5s mean %.3f s, p50 %.3f s, p95 %.3f s, p99 %.3f s\n", which[k],
            r->lat[k][0], r->lat[k][1], r->lat[k][2], r->lat[k][3]);
  if (r->ext) { /* queues, shared service, prefill or slo */
    const double(*blk[3])[4] = {r->ttft, r->tpot, r->qwait};
    static const char *const what[] = {"ttft", "tpot", "wait"};
    for (int b = 0; b < 3; b++)
      for (int k = 0; k < 3; k++)
        fprintf(f, "%-10s %-5s mean %.4g s, p50 %.4g s, p95 %.4g s, p99 %.4g s\n", what[b],
                which[k], blk[b][k][0], blk[b][k][1], blk[b][k][2], blk[b][k][3]);
    fprintf(f,
            "queues     %.0f queued, %.0f timed out; mean waiting %.4g, in service %.4g; "
            "slo attainment %.4f; edge %.4g Wh/query (active)\n",
            r->queued, r->timed_out, r->q_len_mean, r->in_service_mean, r->slo_attainment,
            r->wh_per_query);
  }
  fprintf(f, "utilization token mean %.3f, std %.3f, cv %.3f; slot mean %.3f\n", r->util_mean,
          r->util_std, r->util_cv, r->slot_mean);
  fprintf(f, "\n%-20s %9s %9s %10s %9s %9s %10s\n", "device", "served", "rejected", "tokens",
          "tok_util", "slot_util", "energy_Wh");
  for (size_t i = 0; i < r->ndev; i++) {
    const es_dev_result *d = &r->dev[i];
    fprintf(f, "%-20s %9.0f %9.0f %10.0f %9.3f %9.3f %10.2f\n", d->name, d->served, d->rejected,
            d->tokens, d->token_utilization, d->slot_utilization, d->energy_wh);
  }
}
