/* wl_mmpp.c: a Markov-modulated Poisson process (MMPP). A continuous-time
 * Markov chain on k states (k <= 64) with generator Q modulates the rate:
 * in state i, arrivals are Poisson at rates[i]. Q is given either as
 * `generator` (k x k, off-diagonal >= 0, rows summing to 0 within a
 * tolerance) or as mean sojourn times `sojourn_s` (then Q[i][j] =
 * 1 / (sojourn_s[i] (k - 1)) for j != i: the next state is uniform over
 * the others). The chain starts in `initial_state` (default 0) or, with
 * "stationary", in a state drawn from the stationary distribution pi
 * (pi Q = 0, sum pi = 1; it must be unique) from the workload stream.
 *
 * Exact: competing exponentials. In state i the next arrival is a fresh
 * Exp(rates[i]) gap from the current time; if the state's sojourn (drawn
 * Exp(q_i), q_i = -Q[i][i], when it was entered) ends first, the chain
 * jumps at that end (to j with probability Q[i][j] / q_i, an alias table
 * per state, O(1)) and the gap is drawn again: memorylessness makes the
 * redraw exact. One exponential per arrival, two draws per jump.
 */
#include <gsl/gsl_randist.h>
#include <string.h>

#include "ifile.h"
#include "kinds.h"
#include "wl_arrays.h"

#define MAXK 64

typedef struct cfg {
  wl_tokens tok; /* first: WL_TOKEN_KEYS */
  size_t k;      /* states: the length of rates */
  double rates[MAXK];
  size_t ngen, glen[MAXK]; /* rows of generator, entries of each */
  double q[MAXK][MAXK];    /* the generator; from sojourn_s when that is given */
  size_t nsoj;
  double sojourn[MAXK];
  double exit[MAXK]; /* q_i = sum of row i's off-diagonal entries, per second */
  int has_gen, has_soj;
  int initial;     /* a state, or -1: drawn from pi */
  int has_pi;      /* pi is unique (always computed) */
  double pi[MAXK]; /* the stationary distribution */
} cfg;

typedef struct state {
  rng_alias *jump[MAXK]; /* the next state from i; NULL if q_i = 0 */
  double t;              /* the chain's clock: the last arrival or jump, seconds */
  double t_switch;       /* when the current state ends (+inf: never) */
  int i;                 /* the current state */
} state;

#define OFF(m) offsetof(cfg, m)

static const key_row RATE = KEY_NUM("rates[]", 0, 0, 1e9, 0, NULL, "");
static const key_row QITEM = KEY_NUM("generator[][]", 0, -1e6, 1e6, 0, NULL, "");
static const key_row SOJ = KEY_NUM("sojourn_s[]", 0, 1e-6, SCN_MAX_DURATION_S, 0, NULL, "");

static int get_rates(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  cfg *k = (cfg *)b;
  return wl_num_array(c, v, path, &RATE, MAXK, k->rates, &k->k);
}

static int get_generator(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  cfg *k = (cfg *)b;
  int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
  if (n < 1 || n > MAXK) {
    char got[96];
    key_count_text(v, got, sizeof got);
    return key_fail(c, path, "must be an array of 1 to %d rows (arrays of numbers), got %s", MAXK,
                    got);
  }
  const cJSON *row;
  k->ngen = 0;
  cJSON_ArrayForEach(row, v) {
    char p[512];
    snprintf(p, sizeof p, "%s[%zu]", path, k->ngen);
    if (wl_num_array(c, row, p, &QITEM, MAXK, k->q[k->ngen], &k->glen[k->ngen]))
      return c->e->code;
    k->ngen++;
  }
  k->has_gen = 1;
  return 0;
}

static int get_sojourn(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  cfg *k = (cfg *)b;
  k->has_soj = 1;
  return wl_num_array(c, v, path, &SOJ, MAXK, k->sojourn, &k->nsoj);
}

static int get_initial(kctx *c, const cJSON *v, const char *path, const key_row *r, char *b) {
  (void)r;
  cfg *k = (cfg *)b;
  if (cJSON_IsString(v) && !strcmp(v->valuestring, "stationary"))
    return k->initial = -1, 0;
  double x = cJSON_IsNumber(v) ? v->valuedouble : -1;
  if (!(x >= 0 && x <= MAXK - 1 && floor(x) == x)) {
    char got[96];
    ifile_describe(v, got, sizeof got);
    return key_fail(c, path, "must be an integer in [0, %d] or \"stationary\", got %s", MAXK - 1,
                    got);
  }
  k->initial = (int)x;
  return 0;
}

static const key_row KEYS[] = {
    KEY_FUNC("rates", 0, get_rates, K_REQ, NULL, "array",
             "arrival rate in each state, requests per second (>= 0, one > 0; at most 64)"),
    KEY_FUNC("generator", 0, get_generator, 0, NULL, "array",
             "k x k generator: off-diagonal >= 0 per second, rows sum to 0 (or sojourn_s)"),
    KEY_FUNC("sojourn_s", 0, get_sojourn, 0, NULL, "array",
             "mean time in each state, seconds; next state uniform over the others (or generator)"),
    KEY_FUNC("initial_state", 0, get_initial, 0, "0", "value",
             "state at time 0: an index, or \"stationary\" (drawn from pi)"),
    WL_TOKEN_KEYS,
    KEY_END};

/* ---- the generator ------------------------------------------------------------ */

static int check_generator(kctx *c, cfg *k, const char *path) {
  char p[512];
  if (k->ngen != k->k) {
    key_join(p, sizeof p, path, "generator");
    return key_fail(c, p, "must have %zu rows, one per rate, got %zu", k->k, k->ngen);
  }
  for (size_t i = 0; i < k->k; i++) {
    snprintf(p, sizeof p, "%s.generator[%zu]", path, i);
    if (k->glen[i] != k->k)
      return key_fail(c, p, "must have %zu entries, one per state, got %zu", k->k, k->glen[i]);
    double sum = 0, mag = 0;
    for (size_t j = 0; j < k->k; j++) {
      if (j != i && k->q[i][j] < 0) {
        snprintf(p, sizeof p, "%s.generator[%zu][%zu]", path, i, j);
        return key_fail(c, p, "must be >= 0 (the rate from state %zu to state %zu), got %.15g", i,
                        j, k->q[i][j]);
      }
      sum += k->q[i][j], mag += fabs(k->q[i][j]);
    }
    if (fabs(sum) > 1e-9 * mag) /* relative: rows typed by hand are rounded */
      return key_fail(c, p,
                      "must sum to 0 (within 1e-9 times the sum of its absolute values), got a "
                      "sum of %.15g",
                      sum);
    k->exit[i] = mag - fabs(k->q[i][i]);
    k->q[i][i] = -k->exit[i]; /* exactly consistent from here on */
  }
  return 0;
}

static int from_sojourn(kctx *c, cfg *k, const char *path) {
  char p[512];
  key_join(p, sizeof p, path, "sojourn_s");
  if (k->nsoj != k->k)
    return key_fail(c, p, "must have %zu entries, one per rate, got %zu", k->k, k->nsoj);
  if (k->k < 2)
    return key_fail(c, p, "needs at least 2 states (the next state is one of the others)");
  for (size_t i = 0; i < k->k; i++) {
    k->exit[i] = 1 / k->sojourn[i];
    for (size_t j = 0; j < k->k; j++)
      k->q[i][j] = j == i ? -k->exit[i] : k->exit[i] / (double)(k->k - 1);
  }
  return 0;
}

/* pi from pi Q = 0, sum pi = 1: Gaussian elimination with partial
 * pivoting on Q^T with its last equation replaced by the sum. Singular
 * (more than one closed class): no unique pi, returns -1. */
static int stationary(cfg *k) {
  size_t n = k->k;
  double a[MAXK][MAXK + 1];
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++)
      a[i][j] = i == n - 1 ? 1 : k->q[j][i];
    a[i][n] = i == n - 1;
  }
  double scale = 1;
  for (size_t i = 0; i < n; i++)
    scale = fmax(scale, k->exit[i]);
  for (size_t col = 0; col < n; col++) {
    size_t best = col;
    for (size_t r = col + 1; r < n; r++)
      if (fabs(a[r][col]) > fabs(a[best][col]))
        best = r;
    if (fabs(a[best][col]) < 1e-12 * scale)
      return -1;
    for (size_t j = 0; j <= n; j++) {
      double tmp = a[col][j];
      a[col][j] = a[best][j], a[best][j] = tmp;
    }
    for (size_t r = 0; r < n; r++)
      if (r != col && a[r][col] != 0) {
        double f = a[r][col] / a[col][col];
        for (size_t j = col; j <= n; j++)
          a[r][j] -= f * a[col][j];
      }
  }
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += k->pi[i] = fmax(0, a[i][n] / a[i][i]); /* rounding can leave -1e-17 */
  for (size_t i = 0; i < n; i++)
    k->pi[i] /= sum;
  return 0;
}

static int check(kctx *c, void *p, const char *path) {
  cfg *k = p;
  char at[512];
  double top = 0;
  for (size_t i = 0; i < k->k; i++)
    top = fmax(top, k->rates[i]);
  key_join(at, sizeof at, path, "rates");
  if (!(top > 0))
    return key_fail(c, at, "must have at least one rate > 0, got all 0");
  key_join(at, sizeof at, path, k->has_gen ? "sojourn_s" : "generator");
  if (k->has_gen == k->has_soj)
    return key_fail(c, k->has_gen ? at : path,
                    k->has_gen ? "give either generator or sojourn_s, not both"
                               : "one of \"generator\" or \"sojourn_s\" is required");
  if (k->has_gen ? check_generator(c, k, path) : from_sojourn(c, k, path))
    return c->e->code;
  key_join(at, sizeof at, path, "initial_state");
  if (k->initial >= (int)k->k)
    return key_fail(c, at, "must be a state in [0, %zu] or \"stationary\", got %d", k->k - 1,
                    k->initial);
  k->has_pi = stationary(k) == 0;
  if (k->initial < 0 && !k->has_pi)
    return key_fail(c, at,
                    "\"stationary\" needs a unique stationary distribution, and this chain has "
                    "more than one closed class");
  return 0;
}

/* ---- the run -------------------------------------------------------------------- */

/* pi . rates T when the chain starts stationary (exact); else the highest
 * rate times T (a bound). */
static double expected(const void *p, double duration_s) {
  const cfg *k = p;
  double mean = 0, top = 0;
  for (size_t i = 0; i < k->k; i++)
    mean += k->pi[i] * k->rates[i], top = fmax(top, k->rates[i]);
  return (k->initial < 0 ? mean : top) * duration_s;
}

static int validate(kctx *c, const scn *s, void *p) {
  const cfg *k = p;
  double top = 0;
  for (size_t i = 0; i < k->k; i++)
    top = fmax(top, k->exit[i]);
  if (top * s->duration_s > SCN_MAX_REQUESTS) /* jumps are work too */
    return key_fail(c, k->has_gen ? "workload.generator" : "workload.sojourn_s",
                    "gives up to %.3g state changes in duration_s (%.15g); at most %.3g are "
                    "allowed in one run",
                    top * s->duration_s, s->duration_s, SCN_MAX_REQUESTS);
  return scn_check_requests(c, "workload.rates", expected(k, s->duration_s), s->duration_s);
}

static double sojourn(wl *w, const cfg *k, int i) {
  return k->exit[i] > 0 ? rng_exponential(w->r, 1 / k->exit[i]) : INFINITY;
}

static int init(wl *w) {
  const cfg *k = w->cfg;
  state *st = w->st;
  for (size_t i = 0; i < k->k; i++) {
    if (!(k->exit[i] > 0))
      continue;
    double row[MAXK];
    for (size_t j = 0; j < k->k; j++)
      row[j] = j == i ? 0 : k->q[i][j];
    if (!(st->jump[i] = rng_alias_new(k->k, row)))
      return -1;
  }
  st->i = k->initial;
  if (k->initial < 0) { /* one uniform against the cumulative pi */
    double u = rng_u01(w->r), acc = 0;
    st->i = (int)k->k - 1;
    for (size_t i = 0; i < k->k; i++)
      if (u < (acc += k->pi[i])) {
        st->i = (int)i;
        break;
      }
  }
  st->t_switch = sojourn(w, k, st->i);
  return 0;
}

static double next(wl *w, wl_arrival *a) {
  const cfg *k = w->cfg;
  state *st = w->st;
  for (;;) {
    double rate = k->rates[st->i];
    if (rate > 0) {
      double t = st->t + rng_exponential(w->r, 1 / rate);
      if (t < st->t_switch) {
        st->t = t;
        wl_draw_tokens(w, &k->tok, a);
        return t;
      }
    }
    st->t = st->t_switch; /* +inf: a silent absorbing state */
    if (st->t >= w->s->duration_s)
      return INFINITY;
    st->i = (int)rng_alias_draw(w->r, st->jump[st->i]);
    st->t_switch = st->t + sojourn(w, k, st->i);
  }
}

static void destroy(wl *w) {
  state *st = w->st;
  for (size_t i = 0; st && i < MAXK; i++)
    if (st->jump[i])
      rng_alias_free(st->jump[i]);
}

const wl_ops wl_mmpp = {
    .h = {"mmpp", "Markov-modulated Poisson: rates[i] while a k-state chain is in state i", KEYS,
          sizeof(cfg), check, wl_tokens_free},
    .validate = validate,
    .classes = wl_tokens_classes,
    .expected = expected,
    .state_size = sizeof(state),
    .init = init,
    .next = next,
    .destroy = destroy,
};
