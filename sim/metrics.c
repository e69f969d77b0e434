/* metrics.c: Section IV metrics, their JSON input and the metrics command. */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#include "jsonfile.h"

double mt_utility(double alpha, double q, double r) { return alpha * q + (1.0 - alpha) * r; }

double mt_cpr_cloud_usd(double prompt_tokens, double output_tokens, double in_usd_per_mtok,
                        double out_usd_per_mtok) {
    return (prompt_tokens * in_usd_per_mtok + output_tokens * out_usd_per_mtok) / 1e6;
}

double mt_cpr_edge_usd(double energy_wh, double usd_per_kwh) { return energy_wh / 1000.0 * usd_per_kwh; }

double mt_pcr(double utility, double cpr_usd) { return utility / (cpr_usd * 100.0); }

double mt_platform_cpr_usd(const mt_input *in, const mt_platform *p) {
    if (p->kind == MT_CLOUD)
        return mt_cpr_cloud_usd(p->prompt_tokens, p->output_tokens, p->in_usd_per_mtok, p->out_usd_per_mtok);
    return mt_cpr_edge_usd(p->energy_wh, in->usd_per_kwh);
}

/* ------------------------------------------------------------- loading */

/* One numeric key: where it lives, its bounds, and for which kinds it is
 * required (-1: every kind). Bounds are inclusive. */
typedef struct {
    const char *key;
    size_t off;
    double min, max;
    int kind;
} num_key;

#define PK(k, f, lo, hi, kind) {k, offsetof(mt_platform, f), lo, hi, kind}
static const num_key platform_keys[] = {
    PK("q", q, 0, 1, -1),
    PK("r", r, 0, 1e6, -1),
    PK("prompt_tokens", prompt_tokens, 0, 1e9, MT_CLOUD),
    PK("output_tokens", output_tokens, 0, 1e9, MT_CLOUD),
    PK("input_usd_per_mtok", in_usd_per_mtok, 0, 1e6, MT_CLOUD),
    PK("output_usd_per_mtok", out_usd_per_mtok, 0, 1e6, MT_CLOUD),
    PK("energy_wh", energy_wh, 0, 1e6, MT_EDGE),
};

/* "got 3", "got \"x\"", "got true", "got nothing" */
static void describe(const cJSON *v, char *out, size_t n) {
    if (!v) snprintf(out, n, "nothing");
    else if (cJSON_IsNumber(v)) snprintf(out, n, "%g", v->valuedouble);
    else if (cJSON_IsString(v)) snprintf(out, n, "\"%.40s\"", v->valuestring);
    else if (cJSON_IsBool(v)) snprintf(out, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else snprintf(out, n, "%s", cJSON_IsArray(v) ? "an array" : cJSON_IsObject(v) ? "an object" : "null");
}

static int bad(char *err, size_t n, const char *path, const char *key, const char *what, const cJSON *v) {
    char got[64];
    describe(v, got, sizeof got);
    snprintf(err, n, "%s: %s: %s, got %s", path, key, what, got);
    return -1;
}

static int get_num(const cJSON *o, const char *k, const char *keypath, double lo, double hi, double *out,
                   const char *path, char *err, size_t n) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
        char what[96];
        snprintf(what, sizeof what, "must be a number in [%g,%g]", lo, hi);
        return bad(err, n, path, keypath, what, v);
    }
    *out = v->valuedouble;
    return 0;
}

static int load_paper(const cJSON *o, mt_platform *p, const char *pre, const char *path, char *err, size_t n) {
    const cJSON *pp = cJSON_GetObjectItemCaseSensitive(o, "paper");
    char kp[128];
    if (!pp) return 0;
    snprintf(kp, sizeof kp, "%s.paper", pre);
    if (!cJSON_IsObject(pp)) return bad(err, n, path, kp, "must be an object", pp);
    p->has_paper = 1;
    snprintf(kp, sizeof kp, "%s.paper.cpr_cents", pre);
    if (get_num(pp, "cpr_cents", kp, 0, 1e6, &p->paper_cpr_cents, path, err, n)) return -1;
    snprintf(kp, sizeof kp, "%s.paper.u", pre);
    if (get_num(pp, "u", kp, -1e6, 1e6, &p->paper_u, path, err, n)) return -1;
    snprintf(kp, sizeof kp, "%s.paper.pcr", pre);
    return get_num(pp, "pcr", kp, 0, 1e12, &p->paper_pcr, path, err, n);
}

static int load_platform(const cJSON *o, int i, mt_platform *p, const char *path, char *err, size_t n) {
    char pre[32], kp[96];
    snprintf(pre, sizeof pre, "platforms[%d]", i);
    if (!cJSON_IsObject(o)) return bad(err, n, path, pre, "must be an object", o);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    snprintf(kp, sizeof kp, "%s.name", pre);
    if (!cJSON_IsString(name) || strlen(name->valuestring) >= sizeof p->name)
        return bad(err, n, path, kp, "must be a string of < 64 bytes", name);
    strcpy(p->name, name->valuestring);
    snprintf(kp, sizeof kp, "%s.kind", pre);
    if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "cloud")) p->kind = MT_CLOUD;
    else if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "edge")) p->kind = MT_EDGE;
    else return bad(err, n, path, kp, "must be \"cloud\" or \"edge\"", kind);
    for (size_t k = 0; k < sizeof platform_keys / sizeof platform_keys[0]; k++) {
        const num_key *nk = &platform_keys[k];
        if (nk->kind != -1 && nk->kind != (int)p->kind) continue;
        snprintf(kp, sizeof kp, "%s.%s", pre, nk->key);
        if (get_num(o, nk->key, kp, nk->min, nk->max, (double *)((char *)p + nk->off), path, err, n)) return -1;
    }
    return load_paper(o, p, pre, path, err, n);
}

static int load_obj(const cJSON *root, mt_input *in, const char *path, char *err, size_t n) {
    if (get_num(root, "alpha", "alpha", 0, 1, &in->alpha, path, err, n)) return -1;
    if (get_num(root, "electricity_usd_per_kwh", "electricity_usd_per_kwh", 0, 1e3, &in->usd_per_kwh, path,
                err, n))
        return -1;
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(root, "platforms");
    if (!cJSON_IsArray(pl) || cJSON_GetArraySize(pl) < 1)
        return bad(err, n, path, "platforms", "must be a non-empty array", pl);
    in->n = cJSON_GetArraySize(pl);
    in->p = calloc((size_t)in->n, sizeof *in->p);
    if (!in->p) {
        snprintf(err, n, "%s: out of memory", path);
        return -1;
    }
    int i = 0;
    for (const cJSON *o = pl->child; o; o = o->next, i++)
        if (load_platform(o, i, &in->p[i], path, err, n)) return -1;
    return 0;
}

int mt_load(const char *path, mt_input *in, char *err, size_t errlen) {
    memset(in, 0, sizeof *in);
    cJSON *root = jf_load(path, err, errlen);
    int rc = root ? load_obj(root, in, path, err, errlen) : -1;
    cJSON_Delete(root);
    if (rc) mt_free(in);
    return rc;
}

void mt_free(mt_input *in) {
    free(in->p);
    memset(in, 0, sizeof *in);
}

/* ------------------------------------------------------------- command */

static void print_table(const mt_input *in, FILE *out) {
    int paper = 0;
    for (int i = 0; i < in->n; i++) paper |= in->p[i].has_paper;
    fprintf(out, "alpha %g, electricity $%g/kWh; CPR in US cents, PCR = U / CPR(cents)\n", in->alpha,
            in->usd_per_kwh);
    fprintf(out, "%-28s %-5s %5s %6s %7s %10s %9s", "platform", "kind", "Q", "R (s)", "U", "CPR (c)", "PCR");
    if (paper) fprintf(out, "  | paper: %7s %6s %8s %13s", "CPR (c)", "U", "PCR", "U/paper CPR");
    fputc('\n', out);
    for (int i = 0; i < in->n; i++) {
        const mt_platform *p = &in->p[i];
        double u = mt_utility(in->alpha, p->q, p->r), cpr = mt_platform_cpr_usd(in, p);
        fprintf(out, "%-28s %-5s %5.2f %6.2f %7.4f %10.5g %9.2f", p->name, p->kind == MT_CLOUD ? "cloud" : "edge",
                p->q, p->r, u, cpr * 100.0, mt_pcr(u, cpr));
        if (p->has_paper)
            fprintf(out, "  | %14.4g %6.3f %8.2f %13.2f", p->paper_cpr_cents, p->paper_u, p->paper_pcr,
                    u / p->paper_cpr_cents);
        fputc('\n', out);
    }
}

int metrics_main(int argc, char **argv, FILE *out, FILE *err) {
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fprintf(out, "usage: edgesim metrics FILE.json\n"
                     "  prints utility U, cost per response CPR and PCR = U / CPR per platform\n");
        return 0;
    }
    if (argc != 2) {
        fprintf(err, "edgesim metrics: expected one FILE.json (see edgesim metrics --help)\n");
        return 2;
    }
    mt_input in;
    char msg[512];
    if (mt_load(argv[1], &in, msg, sizeof msg)) {
        fprintf(err, "%s\n", msg);
        return 2;
    }
    print_table(&in, out);
    mt_free(&in);
    return 0;
}
