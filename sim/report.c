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

void rep_cell(FILE *f, const char *fmt, double x) {
  char buf[128];
  snprintf(buf, sizeof buf, fmt, x);
  char *minus = strchr(buf, '-');                     /* fmt's own text holds no '-' */
  size_t mant = minus ? strcspn(minus + 1, "eE") : 0; /* "-1e-07" is not a zero */
  int zero = minus != NULL;
  for (size_t i = 0; i < mant; i++)
    zero &= !(minus[1 + i] >= '1' && minus[1 + i] <= '9');
  const char *conv = strchr(fmt, '%') + 1;
  size_t flags = strspn(conv, "-+ #0");
  int width = conv[flags] >= '1' && conv[flags] <= '9', left = memchr(conv, '-', flags) != NULL;
  if (zero && width && !left)
    *minus = ' ';           /* right-aligned in a width: keep it */
  else if (zero && width) { /* left-aligned: the number moves left a place */
    char *end = minus + 1 + strspn(minus + 1, "0123456789.eE+-");
    memmove(minus, minus + 1, (size_t)(end - minus - 1));
    end[-1] = ' ';
  } else if (zero)
    memmove(minus, minus + 1, strlen(minus)); /* "-0" is "0" */
  fputs(buf, f);
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

void rep_json_metrics(FILE *f, int indent, unsigned groups,
                      void (*leaf)(FILE *f, size_t i, void *arg), void *arg) {
  const char *prev = "";
  int open = 0, first = 1; /* groups of the previous name still open */
  for (size_t i = 0; i < es_metric_count(); i++) {
    if (!es_metric_shown(i, groups))
      continue;
    const char *name = es_metric_name(i);
    int keep = common_groups(prev, name), groups = depth_of(name), len;
    for (; open > keep; open--)
      fprintf(f, "\n%*s}", indent + 2 * (open - 1), "");
    if (!first)
      fputc(',', f);
    first = 0;
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

static void leaf_value(FILE *f, size_t i, void *arg) { rep_number(f, es_metric_value(arg, i)); }

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, at most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s) {
  unsigned char c = s[0];
  size_t n = c < 0x80                 ? 1
             : c >= 0xC2 && c <= 0xDF ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  for (size_t k = 1; k < n; k++)
    if (s[k] < (k == 1 ? lo : 0x80) || s[k] > (k == 1 ? hi : 0xBF))
      return 0;
  return n;
}

void rep_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t n = utf8_len(p);
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p == '\n' || *p == '\t')
      fputs(*p == '\n' ? "\\n" : "\\t", f);
    else if (*p < 0x20 || *p == 0x7f)
      fprintf(f, "\\u%04x", *p);
    else if (n)
      fwrite(p, 1, n, f);
    else
      fputs("\\ufffd", f); /* a byte that is not UTF-8 (a file name's) */
    p += n ? n : 1;
  }
  fputc('"', f);
}

void rep_json(FILE *f, const es_result *r) {
  fputs("{\n  \"scenario\": ", f);
  rep_json_string(f, r->scenario);
  fprintf(f, ",\n  \"seed\": %llu,\n  \"policy\": ", (unsigned long long)r->seed);
  rep_json_string(f, r->policy);
  fputc(',', f);
  rep_json_metrics(f, 2, r->groups, leaf_value, (void *)r);
  fputs(",\n  \"devices\": [", f);
  for (size_t i = 0; i < r->ndev; i++) {
    fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
    rep_json_string(f, r->dev[i].name);
    for (size_t k = 0; k < es_dev_metric_count(); k++) {
      if (!es_dev_metric_shown(k, r->groups))
        continue;
      fprintf(f, ", \"%s\": ", es_dev_metric_name(k));
      rep_number(f, es_dev_metric_value(&r->dev[i], k));
    }
    fputc('}', f);
  }
  fputs("\n  ]\n}\n", f);
}

void rep_csv_header(FILE *f) {
  fputs("scenario,policy,seed", f);
  for (size_t i = 0; i < es_metric_count(); i++)
    if (es_metric_shown(i, 0)) /* the CLI's CSV goes through mselect.h */
      fprintf(f, ",%s", es_metric_name(i));
  fputc('\n', f);
}

void rep_csv_row(FILE *f, const es_result *r) {
  fprintf(f, "%s,%s,%llu", r->scenario, r->policy, (unsigned long long)r->seed);
  for (size_t i = 0; i < es_metric_count(); i++) {
    if (!es_metric_shown(i, 0))
      continue;
    fputc(',', f);
    rep_number(f, es_metric_value(r, i));
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
  if (r->groups & ES_MG_SVC) { /* queues, shared service, prefill or slo */
    const struct es_svc_result *q = &r->q;
    const double(*blk[3])[4] = {q->ttft, q->tpot, q->qwait};
    static const char *const what[] = {"ttft", "tpot", "wait"};
    for (int b = 0; b < 3; b++)
      for (int k = 0; k < 3; k++)
        fprintf(f, "%-10s %-5s mean %.4g s, p50 %.4g s, p95 %.4g s, p99 %.4g s\n", what[b],
                which[k], blk[b][k][0], blk[b][k][1], blk[b][k][2], blk[b][k][3]);
    fprintf(f,
            "queues     %.0f queued, %.0f timed out; mean waiting %.4g, in service %.4g; "
            "slo attainment %.4f; edge %.4g Wh/query (active)\n",
            q->queued, q->timed_out, q->q_len_mean, q->in_service_mean, q->slo_attainment,
            q->wh_per_query);
  }
  fprintf(f, "utilization token mean %.3f, std %.3f, cv %.3f; slot mean %.3f\n", r->util_mean,
          r->util_std, r->util_cv, r->slot_mean);
  if (r->groups & ES_MG_FLT) {
    const struct es_flt_result *x = &r->x;
    fprintf(f,
            "faults     answered %.4f; dropped: %.0f lost, %.0f unavailable, %.0f rate-limited, "
            "%.0f over budget, %.0f cloud disabled; %.0f failed over\n",
            x->answered_fraction, x->lost, x->unavailable, x->rate_limited, x->over_budget,
            x->cloud_disabled, x->failed_over);
    fprintf(f,
            "cloud      availability %.5f, %.0f HTTP 429, %.0f retries, peak period spend $%.4f; "
            "device availability %.5f\n",
            x->cloud_availability, x->http_429, x->retries, x->peak_period_usd,
            x->devices_availability);
  }
  if (r->groups & ES_MG_ROUTE)
    fprintf(f,
            "accuracy   expected: edge %.4f, cloud %.4f, all %.4f (dropped: wrong); %.0f routed "
            "to the cloud, %.0f escalated\n",
            r->rq.acc_edge, r->rq.acc_cloud, r->rq.acc_all, r->rq.to_cloud, r->rq.escalated);
  if (r->groups & ES_MG_ESC)
    fprintf(f, "cascade    %.0f escalations refused by the cloud (the edge answer stood)\n",
            r->rq.esc_refused);
  if (r->groups & ES_MG_SWITCH) {
    const struct es_switch_result *w = &r->sw;
    fprintf(f,
            "models     %.0f swaps (%.1f s), %.0f sent up; served by each device's 1st..4th "
            "smallest LM: %.0f, %.0f, %.0f, %.0f\n",
            w->swaps, w->swap_s, w->sent_up, w->served[0], w->served[1], w->served[2],
            w->served[3]);
  }
  fprintf(f, "\n%-20s %9s %9s %10s %9s %9s %10s\n", "device", "served", "rejected", "tokens",
          "tok_util", "slot_util", "energy_Wh");
  for (size_t i = 0; i < r->ndev; i++) {
    const es_dev_result *d = &r->dev[i];
    fprintf(f, "%-20s %9.0f %9.0f %10.0f %9.3f %9.3f %10.2f\n", d->name, d->served, d->rejected,
            d->tokens, d->token_utilization, d->slot_utilization, d->energy_wh);
  }
}
