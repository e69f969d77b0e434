#include "rng.h"

#include <pthread.h>

#include <Random123/philox.h>
#include <limits.h>
#include <stdlib.h>

uint64_t rng_mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t rng_replication_seed(uint64_t seed, uint64_t r) {
  if (r == 0)
    return seed; /* replication 0 is the plain run with this seed */
  return rng_mix64(rng_mix64(seed) ^ rng_mix64(0x5245504cULL + r));
}

gsl_rng *rng_stream_new(uint64_t seed, enum rng_stream stream) {
  return rng_stream_new_rep(seed, (uint64_t)stream, 0);
}

gsl_rng *rng_mt19937_stream_new(uint64_t seed, enum rng_stream stream) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r)
    return NULL;
  /* MT19937 in GSL takes a 32-bit seed; 0 would be replaced by GSL's default,
   * so map it away to keep distinct (seed, stream) pairs distinct. */
  uint64_t m = rng_mix64(rng_mix64(seed) + (uint64_t)stream);
  unsigned long s = (unsigned long)((m ^ (m >> 32)) & 0xffffffffUL);
  gsl_rng_set(r, s ? s : 0x2545f491UL);
  return r;
}

/* ---- Philox4x64-10 as a gsl_rng_type ---------------------------------------- */

/* get() hands out whole words, so unsigned long must hold 64 bits (LP64). */
_Static_assert(ULONG_MAX == UINT64_MAX, "rng_philox4x64 needs a 64-bit unsigned long");
_Static_assert(R123_USE_PHILOX_64BIT, "Random123 cannot do 64-bit Philox with this compiler");

void rng_philox_block(const uint64_t ctr[4], const uint64_t key[2], uint64_t out[4]) {
  philox4x64_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
  philox4x64_key_t k = {{key[0], key[1]}};
  philox4x64_ctr_t b = philox4x64(c, k);
  for (int i = 0; i < 4; i++)
    out[i] = b.v[i];
}

uint64_t rng_philox_refill(rng_philox *s) {
  philox4x64_key_t k = {{s->key[0], s->key[1]}};
  philox4x64_ctr_t c[RNG_BLOCKS], b[RNG_BLOCKS];
  for (int j = 0; j < RNG_BLOCKS; j++) /* block indices wrap after 2^64 blocks */
    c[j] = (philox4x64_ctr_t){{s->ctr[0] + (uint64_t)j, s->ctr[1], s->ctr[2], s->ctr[3]}};
  for (int j = 0; j < RNG_BLOCKS; j++)
    b[j] = philox4x64(c[j], k);
  for (int j = 0; j < RNG_BLOCKS; j++)
    for (int i = 0; i < 4; i++)
      s->buf[4 * j + i] = b[j].v[i];
  s->ctr[0] += RNG_BLOCKS;
  s->next = 1;
  return s->buf[0];
}

static void philox_reset(rng_philox *s, uint64_t seed, uint64_t stream, uint64_t rep) {
  *s = (rng_philox){.next = RNG_BUF, .key = {seed, stream}, .ctr = {0, rep, 0, 0}};
}

static void philox_set(void *state, unsigned long seed) {
  rng_zig_init(); /* every Philox generator is set once by gsl_rng_alloc */
  philox_reset(state, seed, 0, 0);
}

static unsigned long philox_get(void *state) {
  rng_philox *s = state;
  return s->next < RNG_BUF ? s->buf[s->next++] : rng_philox_refill(s);
}

static double philox_get_double(void *state) { return (double)(philox_get(state) >> 11) * 0x1p-53; }

const gsl_rng_type rng_philox_type = {
    "philox4x64-10", ULONG_MAX, 0, sizeof(rng_philox), philox_set, philox_get, philox_get_double};
const gsl_rng_type *rng_philox4x64 = &rng_philox_type;

void rng_set(gsl_rng *r, uint64_t seed, uint64_t stream, uint64_t rep) {
  philox_reset(r->state, seed, stream, rep);
}

gsl_rng *rng_stream_new_rep(uint64_t seed, uint64_t stream, uint64_t rep) {
  gsl_rng *r = gsl_rng_alloc(rng_philox4x64);
  if (r)
    rng_set(r, seed, stream, rep);
  return r;
}

/* ---- the exponential ziggurat (rng.h) ------------------------------------------ */

rng_zig_layer rng_zig[256];
double rng_zig_f[256];

static void zig_build(void) {
  const double m = 0x1p53, v = 3.949659822581572e-3; /* area of each layer */
  double x = 7.69711747013104972, xo = x;            /* x_255 = R */
  double q = v / exp(-x);                            /* the base layer's width */
  rng_zig[0].k = (uint64_t)(x / q * m);
  rng_zig[1].k = 0;
  rng_zig[0].w = q / m;
  rng_zig[255].w = x / m;
  rng_zig_f[0] = 1;
  rng_zig_f[255] = exp(-x);
  for (int i = 254; i >= 1; i--) {
    x = -log(v / x + exp(-x));
    rng_zig[i + 1].k = (uint64_t)(x / xo * m);
    xo = x;
    rng_zig_f[i] = exp(-x);
    rng_zig[i].w = x / m;
  }
}

static pthread_once_t zig_once = PTHREAD_ONCE_INIT;
void rng_zig_init(void) { pthread_once(&zig_once, zig_build); }

double rng_zig_slow(gsl_rng *r, uint64_t w) {
  for (;;) {
    uint64_t u = w >> 11;
    unsigned i = (unsigned)(w & 255);
    if (u < rng_zig[i].k)
      return (double)u * rng_zig[i].w;
    if (i == 0) /* the tail beyond R: R + Exp(1), by memorylessness */
      return 7.69711747013104972 - log(1.0 - rng_u01(r));
    double x = (double)u * rng_zig[i].w;
    /* a uniform point in the wedge between the layer's corners */
    if (rng_zig_f[i] + rng_u01(r) * (rng_zig_f[i - 1] - rng_zig_f[i]) < exp(-x))
      return x;
    w = rng_next64(r);
  }
}

/* ---- alias tables --------------------------------------------------------- */

rng_alias *rng_alias_new(size_t n, const double *weights) {
  gsl_ran_discrete_t *g = gsl_ran_discrete_preproc(n, weights);
  if (!g)
    return NULL;
  rng_alias *t = NULL;
  if (g->K < ((size_t)1 << 53))
    t = malloc(sizeof *t + g->K * sizeof t->col[0]);
  if (t) {
    t->K = (int64_t)g->K;
    t->Kd = (double)g->K;
    for (size_t c = 0; c < g->K; c++)
      t->col[c] = (rng_alias_col){g->F[c], (int64_t)g->A[c]};
  }
  gsl_ran_discrete_free(g);
  return t;
}

void rng_alias_free(rng_alias *t) { free(t); }
