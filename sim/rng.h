/* rng.h: independent random streams, keyed by (seed, stream id).
 *
 * Every source of randomness has its own gsl_rng, so changing how one source
 * is used (say, the dispatch policy) never shifts the numbers another source
 * sees: runs that differ only in policy share arrivals and token sizes
 * (common random numbers). The caller owns a returned generator and frees it
 * with gsl_rng_free().
 *
 * Two generators live here:
 *
 * - rng_mt19937_stream_new(): GSL's MT19937 seeded with a 32-bit mix of
 *   (seed, stream). This is what rng_stream_new() returns today, so outputs
 *   do not change until the simulator switches generator on purpose.
 *
 * - rng_philox4x64: Random123's Philox4x64-10 counter-based generator
 *   (Salmon et al., SC'11) as a gsl_rng_type, so every GSL distribution
 *   (gsl_ran_*, alias tables, gsl_ran_binomial) runs on it. Word d of a
 *   stream is word d mod 4 of the block
 *
 *       Philox4x64-10(counter = {d / 4, rep, 0, 0}, key = {seed, stream})
 *
 *   i.e. key = (64-bit seed, stream id), counter = (draw block, replication
 *   word, 0, 0). Philox is a bijection of the 256-bit counter for each key:
 *   within one key, distinct (rep, block) pairs can never give the same
 *   block. Different keys are different members of the family. A stream has
 *   2^66 words before its block index wraps. Why this one: its 2 x 64-bit
 *   key holds (seed, stream) exactly; 64-bit words come out of one x86-64
 *   mul each, so it costs half of Philox4x32-10 per 64 bits and the same as
 *   Threefry4x64-20 (about 3 ns per word here, gcc -O2); 10 rounds are
 *   Random123's default, 3 above the fewest that pass BigCrush; numpy's
 *   Philox is this one.
 *
 * Which key and counter a run uses (the mapping README documents):
 *   base seed S       --seed, else the scenario's "seed" (default 1)
 *   replication r     runs as a plain run with seed S_r =
 *                     rng_replication_seed(S, r): S_0 = S, and for r >= 1
 *                     S_r = mix(mix(S) ^ mix(0x5245504c + r)), injective
 *                     in r. The printed seed S_r reruns it alone.
 *   plain run, seed P stream k (RNG_WORKLOAD 1, RNG_TOKENS 2, RNG_DISPATCH 3)
 *                     uses key (P, k), counter (block, 0, 0, 0).
 *   compare           both variants of replication r use S_r: same keys,
 *                     same counters (common random numbers); a seed for
 *                     one variant only (--set-a seed=N) is refused.
 *   sweep             every point uses the same S_r for replication r (the
 *                     point is in neither key nor counter: common random
 *                     numbers across points); with --vary seed each point's
 *                     S is its own seed.
 * The counter's replication word stays 0 in every run the CLI starts: the
 * printed seed has to rerun a replication alone, so the replication must be
 * inside the 64-bit seed. rng_stream_new_rep() exposes the word for callers
 * that do not need that promise (tests, benchmarks, future sub-streams).
 *
 * Hot path: rng_u01(), rng_u01_pos(), rng_uniform_int(), rng_exponential()
 * and rng_alias_draw() below are inline and read the Philox state directly
 * (no indirect call through the gsl_rng_type, and no test of the type:
 * they take Philox streams only, which every stream of the simulator is,
 * rng_stream_new's; a Debug build asserts it). They consume the same words
 * of the same stream as the GSL wrapper, so GSL calls and inline draws may
 * be mixed freely. On another gsl_rng (MT19937, for comparisons) use GSL's
 * functions themselves.
 */
#ifndef ES_RNG_H
#define ES_RNG_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <assert.h>
#include <math.h>
#include <stdint.h>

enum rng_stream {
  RNG_WORKLOAD = 1, /* user activity and arrival times */
  RNG_TOKENS = 2,   /* prompt and output token counts */
  RNG_DISPATCH = 3, /* random and weighted device choice */
  /* faults.c and cloud.c: far from the ids above, so other modules' new
   * streams cannot collide with them */
  RNG_FAULTS = 0x464c0001,    /* device failure and repair times */
  RNG_OUTAGE = 0x464c0002,    /* cloud outage timeline */
  RNG_RETRY = 0x464c0003,     /* retry jitter */
  RNG_CLOUD_LAT = 0x464c0004, /* cloud latency draws */
  /* route.c */
  RNG_DIFFICULTY = 0x52540001, /* each request's difficulty */
  RNG_ROUTE = 0x52540002,      /* router and verifier verdicts */
};

/* splitmix64 finaliser: a bijective 64-bit mix (Steele et al. 2014). */
uint64_t rng_mix64(uint64_t x);

/* Seed of replication r of a run with base seed `seed` (documented mixing). */
uint64_t rng_replication_seed(uint64_t seed, uint64_t r);

/* The generator of the simulator's streams (today MT19937, see above);
 * NULL if out of memory. */
gsl_rng *rng_stream_new(uint64_t seed, enum rng_stream stream);

/* GSL's MT19937 seeded with a 32-bit mix of (seed, stream): distinct pairs
 * can share a seed (2^32 seeds); kept for comparison. NULL if out of memory. */
gsl_rng *rng_mt19937_stream_new(uint64_t seed, enum rng_stream stream);

/* ---- Philox4x64-10 ------------------------------------------------------- */

/* Blocks computed per refill: independent blocks overlap in the CPU (one
 * block is a chain of 10 dependent rounds). Does not change the words. */
#ifndef RNG_BLOCKS
#define RNG_BLOCKS 8
#endif
#define RNG_BUF (4 * RNG_BLOCKS)

/* The state behind a gsl_rng of type rng_philox4x64. */
typedef struct rng_philox {
  uint64_t buf[RNG_BUF]; /* the current blocks, in counter order */
  unsigned next;         /* next unread word of buf; RNG_BUF: all used */
  uint64_t key[2];       /* {seed, stream} */
  uint64_t ctr[4];       /* {index of the next block, replication word, 0, 0} */
} rng_philox;

/* get() returns whole 64-bit words: min 0, max 2^64 - 1; get_double() the
 * top 53 bits of a word times 2^-53, in [0, 1). gsl_rng_set(r, s) sets key
 * {s, 0} and counter 0. */
extern const gsl_rng_type rng_philox_type;
extern const gsl_rng_type *rng_philox4x64; /* &rng_philox_type, GSL's style */

/* A Philox4x64-10 stream with key {seed, stream}, replication word `rep`,
 * at draw 0; NULL if out of memory. */
gsl_rng *rng_stream_new_rep(uint64_t seed, uint64_t stream, uint64_t rep);

/* Moves a Philox gsl_rng to draw 0 of key {seed, stream}, word `rep`. */
void rng_set(gsl_rng *r, uint64_t seed, uint64_t stream, uint64_t rep);

/* One Philox4x64-10 block: out = philox(ctr, key) (Random123's function). */
void rng_philox_block(const uint64_t ctr[4], const uint64_t key[2], uint64_t out[4]);

/* Computes the next RNG_BLOCKS blocks into s->buf, returns their first word. */
uint64_t rng_philox_refill(rng_philox *s);

static inline int rng_is_philox(const gsl_rng *r) { return r->type == &rng_philox_type; }

/* The next 64-bit word of a Philox stream (r must be one). */
static inline uint64_t rng_next64(gsl_rng *r) {
  assert(rng_is_philox(r));
  rng_philox *s = r->state;
  if (__builtin_expect(s->next < RNG_BUF, 1))
    return s->buf[s->next++];
  return rng_philox_refill(s);
}

/* Uniform on [0, 1), 53 bits: k * 2^-53, k uniform in [0, 2^53). Equals
 * gsl_rng_uniform() on the same stream. */
static inline double rng_u01(gsl_rng *r) {
  return (double)(int64_t)(rng_next64(r) >> 11) * 0x1p-53; /* < 2^53: signed, exact */
}

/* Uniform on (0, 1): rng_u01() drawn again while it is 0 (probability
 * 2^-53). Equals gsl_rng_uniform_pos(). */
static inline double rng_u01_pos(gsl_rng *r) {
  double u;
  do
    u = rng_u01(r);
  while (__builtin_expect(u == 0, 0));
  return u;
}

/* Uniform integer in [0, n), n >= 1, exactly (Lemire 2019, multiply and
 * reject): one word per try, a second try with probability < n / 2^64.
 * Not the same values as gsl_rng_uniform_int(), which it replaces. */
static inline uint64_t rng_uniform_int(gsl_rng *r, uint64_t n) {
  __extension__ typedef unsigned __int128 u128;
  u128 m = (u128)rng_next64(r) * n;
  if (__builtin_expect((uint64_t)m < n, 0)) {
    uint64_t reject = -n % n; /* 2^64 mod n: low products below it are biased */
    while ((uint64_t)m < reject)
      m = (u128)rng_next64(r) * n;
  }
  return (uint64_t)(m >> 64);
}

/* The exponential ziggurat (Marsaglia and Tsang 2000, "The ziggurat method
 * for generating random variables", J. Stat. Softw. 5(8)): 256 layers of
 * equal area under e^-x, built once by rng_zig_init() (rng_stream_new
 * calls it). Layer i covers [0, x_i) with x_255 = R = 7.69711747013104972;
 * zig_k[i] = 2^53 x_{i-1} / x_i is the part of layer i wholly under the
 * curve, zig_w[i] = x_i / 2^53, zig_f[i] = e^-x_i. Layer 0 is the base,
 * its overhang the tail beyond R. Exact: every accepted value has the
 * exponential density (up to rounding to double). */
typedef struct rng_zig_layer {
  uint64_t k;    /* zig_k[i] */
  double w;      /* zig_w[i] */
} rng_zig_layer; /* the fast path's two numbers of a layer, together */
extern rng_zig_layer rng_zig[256];
extern double rng_zig_f[256];
void rng_zig_init(void);
double rng_zig_slow(gsl_rng *r, uint64_t w); /* the rare rejection steps */

/* Exponential with the given mean by the ziggurat: one 64-bit word picks
 * the layer (its low 8 bits) and the abscissa (its high 53 bits); about
 * 98.9% of draws take only that word and a multiplication, the rest go to
 * rng_zig_slow(). Not the same values as gsl_ran_exponential(), the same
 * distribution. */
static inline double rng_exponential(gsl_rng *r, double mean) {
  uint64_t w = rng_next64(r), u = w >> 11;
  unsigned i = (unsigned)(w & 255);
  rng_zig_layer z = rng_zig[i];
  if (__builtin_expect(u < z.k, 1))
    return mean * ((double)(int64_t)u * z.w); /* u < 2^53: signed, exact */
  return mean * rng_zig_slow(r, w);
}

/* Walker's alias table as GSL builds it (gsl_ran_discrete_preproc), copied
 * into one array: K columns, column c keeps its own index with probability
 * F[c] - c / K (Knuth's convention) and otherwise gives A[c]. GSL keeps K,
 * A and F behind three pointers; a draw here reads K and one 16-byte entry,
 * one cache line fewer to miss on the request's path. */
typedef struct rng_alias_col {
  double F;  /* GSL's F[c] */
  int64_t A; /* GSL's A[c] */
} rng_alias_col;
typedef struct rng_alias {
  int64_t K; /* columns: the number of outcomes, < 2^53 */
  double Kd; /* K as a double, exactly */
  rng_alias_col col[];
} rng_alias;

/* The alias table of n >= 1 non-negative weights with a positive finite
 * sum; NULL if out of memory or if GSL refuses the weights. Free with
 * rng_alias_free(). */
rng_alias *rng_alias_new(size_t n, const double *weights);
void rng_alias_free(rng_alias *t);

/* A draw from an alias table: the same index as gsl_ran_discrete() with
 * GSL's table of the same weights on the same stream (GSL's steps on
 * rng_u01(): c = floor(u K), c if u < F[c], else A[c]). */
static inline size_t rng_alias_draw(gsl_rng *r, const rng_alias *t) {
  double u = rng_u01(r);
  /* through int64_t: the same values (K and u K are below 2^63), without
   * the unsigned conversions' range tests */
  int64_t c = (int64_t)(u * t->Kd);
  rng_alias_col e = t->col[c];
  /* selected by a mask: which one is data, and compilers emit a branch for
   * ?: here; GSL also tests F[c] == 1.0, implied: u < 1 */
  int64_t keep = -(int64_t)(u < e.F);
  return (size_t)(e.A ^ ((e.A ^ c) & keep));
}

#endif
