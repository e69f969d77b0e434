#include "workload.h"

#include <gsl/gsl_randist.h>
#include <math.h>

#include "rng.h"

int wl_init(wl *w, const scn *s, uint64_t seed) {
  *w = (wl){.s = s};
  if (s->wl.kind == WL_TRACE && trace_open(&w->tr, s->wl.trace_path, &w->err))
    return -1;
  w->r = rng_stream_new(seed, RNG_WORKLOAD);
  return w->r ? 0 : -1;
}

void wl_destroy(wl *w) {
  trace_close(&w->tr);
  if (w->r)
    gsl_rng_free(w->r);
  w->r = NULL;
}

static double step_p(const scn *s, double t0) {
  if (s->wl.has_burst && fmod(t0, s->wl.burst_every_s) < s->wl.burst_length_s)
    return s->wl.burst_p_active;
  return s->wl.p_active;
}

static double next_steps(wl *w) {
  const scn *s = w->s;
  while (w->left == 0) { /* start the next step that has arrivals */
    if (w->started)
      w->step++;
    w->started = 1;
    double t0 = (double)w->step * s->wl.step_s;
    if (t0 >= s->duration_s)
      return w->done = 1, INFINITY;
    w->left = gsl_ran_binomial(w->r, step_p(s, t0), (unsigned)s->wl.users);
    w->u = 0;
  }
  /* Next order statistic of `left` uniforms on [u, 1). */
  double v = gsl_rng_uniform_pos(w->r);
  w->u += (1 - w->u) * (1 - pow(v, 1.0 / (double)w->left));
  if (w->u >= 1)
    w->u = nextafter(1.0, 0.0);
  w->left--;
  double t = ((double)w->step + w->u) * s->wl.step_s;
  if (t >= s->duration_s) /* the rest of this step is later still */
    return w->done = 1, INFINITY;
  return t;
}

/* The next row of the trace; a row that went bad since the scenario was
 * validated ends the arrivals with w->err set. */
static double next_trace(wl *w) {
  trace_row row;
  int rc = trace_next(&w->tr, &row, &w->err);
  if (rc <= 0) {
    if (rc < 0)
      w->err.code = ES_ERUNTIME;
    return w->done = 1, INFINITY;
  }
  double t = row.t * w->s->wl.time_scale;
  if (t >= w->s->duration_s)
    return w->done = 1, INFINITY;
  w->prompt = row.prompt;
  w->tokens = row.tokens;
  return t;
}

double wl_next(wl *w) {
  if (w->done)
    return INFINITY;
  if (w->s->wl.kind == WL_STEPS)
    return w->t = next_steps(w);
  if (w->s->wl.kind == WL_TRACE)
    return w->t = next_trace(w);
  w->t += gsl_ran_exponential(w->r, 1.0 / w->s->wl.rate_per_s);
  if (w->t >= w->s->duration_s)
    return w->done = 1, INFINITY;
  return w->t;
}
