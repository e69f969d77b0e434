/* ops.c: float operations (see ops.h). */
#include "ops.h"

#include <math.h>

void op_rmsnorm(float *o, const float *x, const float *w, int n, float eps) {
  float ss = 0.0f;
  for (int i = 0; i < n; i++)
    ss += x[i] * x[i];
  float r = 1.0f / sqrtf(ss / (float)n + eps);
  for (int i = 0; i < n; i++)
    o[i] = w[i] * (r * x[i]);
}

void op_softmax(float *x, int n) {
  float m = x[0];
  for (int i = 1; i < n; i++)
    m = fmaxf(m, x[i]);
  float s = 0.0f;
  for (int i = 0; i < n; i++) {
    x[i] = expf(x[i] - m);
    s += x[i];
  }
  for (int i = 0; i < n; i++)
    x[i] /= s;
}

void op_rope(float *x, int n_heads, int head_dim, int pos, float theta) {
  int half = head_dim / 2;
  for (int i = 0; i < half; i++) {
    float freq = powf(theta, -2.0f * (float)i / (float)head_dim);
    float a = (float)pos * freq, c = cosf(a), s = sinf(a);
    for (int h = 0; h < n_heads; h++) {
      float *v = x + h * head_dim;
      float x0 = v[i], x1 = v[i + half];
      v[i] = x0 * c - x1 * s;
      v[i + half] = x0 * s + x1 * c;
    }
  }
}

void op_swiglu(float *a, const float *b, int n) {
  for (int i = 0; i < n; i++)
    a[i] = a[i] / (1.0f + expf(-a[i])) * b[i];
}

void op_add(float *a, const float *b, int n) {
  for (int i = 0; i < n; i++)
    a[i] += b[i];
}

int op_argmax(const float *x, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (x[i] > x[best])
      best = i;
  return best;
}
