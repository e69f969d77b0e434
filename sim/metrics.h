/* metrics.h: the paper's Section IV cost metrics (Jang & Morabito 2025).
 *
 *   utility  U   = alpha * Q + (1 - alpha) * R     Q quality in [0,1], R = TTFT (s)
 *   cloud    CPR = prompt * input price + output * output price
 *   edge     CPR = energy per query (kWh) * electricity price
 *   PCR          = U / CPR, CPR in US cents (the unit of the paper's Table I)
 * Prices are USD per million tokens and USD per kWh; CPRs are returned in USD.
 * Note R enters U as printed in the paper: a larger TTFT raises U.
 *
 * Ownership: mt_load fills an mt_input that owns its platform array;
 * mt_free releases it. After a failed load nothing needs freeing. */
#ifndef ES_METRICS_H
#define ES_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

typedef enum { MT_CLOUD = 0, MT_EDGE = 1 } mt_kind;

typedef struct {
  char name[64];
  mt_kind kind;
  double q;                /* quality, [0,1] */
  double r;                /* responsiveness: TTFT, seconds */
  double prompt_tokens;    /* cloud: tokens per request */
  double output_tokens;    /* cloud: tokens per response */
  double in_usd_per_mtok;  /* cloud: USD per million input tokens */
  double out_usd_per_mtok; /* cloud: USD per million output tokens */
  double energy_wh;        /* edge: Wh per query */
  int has_paper;           /* 1: the paper's printed values below are set */
  double paper_cpr_cents, paper_u, paper_pcr;
} mt_platform;

typedef struct {
  double alpha;       /* weight of Q in U, [0,1] */
  double usd_per_kwh; /* electricity price */
  int n;
  mt_platform *p; /* (n,) */
} mt_input;

double mt_utility(double alpha, double q, double r);
double mt_cpr_cloud_usd(double prompt_tokens, double output_tokens, double in_usd_per_mtok,
                        double out_usd_per_mtok);
double mt_cpr_edge_usd(double energy_wh, double usd_per_kwh);
double mt_pcr(double utility, double cpr_usd); /* U / (CPR in cents) */
double mt_platform_cpr_usd(const mt_input *in, const mt_platform *p);

/* 0 ok, or ES_EINPUT (ES_ERUNTIME: out of memory) with one line in e:
 * "PATH: KEY.PATH: problem, got VALUE", "PATH:LINE:COL: JSON syntax error:
 * ...", "PATH: not a regular file, ...". The file is checked like a scenario
 * (sim/ifile.h): 16 MiB at most, strict JSON, no unknown or duplicate keys;
 * every platform's CPR must be > 0 so that PCR is finite. */
int mt_load(const char *path, mt_input *in, es_err *e);
void mt_free(mt_input *in);

/* `edgesim metrics FILE.json` (argv[0] == "metrics"): prints the table.
 * Returns 0 ok, 2 bad usage or bad input, 1 out of memory (one line on err). */
int metrics_main(int argc, char **argv, FILE *out, FILE *err);

#endif
