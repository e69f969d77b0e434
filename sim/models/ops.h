/* ops.h: the float operations of a decoder step (llama2.c style).
 * All work in place or into caller buffers; sizes in elements. */
#ifndef ES_OPS_H
#define ES_OPS_H

/* x (n,) , w (n,) -> o (n,) : o = w * x / sqrt(mean(x^2) + eps) */
void op_rmsnorm(float *o, const float *x, const float *w, int n, float eps);
/* x (n,) -> softmax(x) in place */
void op_softmax(float *x, int n);
/* x (n_heads, head_dim) rotated in place for position pos, rotate-half
 * pairing (i, i + head_dim/2) as in Qwen2/GPT-NeoX. */
void op_rope(float *x, int n_heads, int head_dim, int pos, float theta);
/* a (n,), b (n,) -> a = silu(a) * b */
void op_swiglu(float *a, const float *b, int n);
/* a (n,) += b (n,) */
void op_add(float *a, const float *b, int n);
/* x (n,) -> index of the largest value (first on ties) */
int op_argmax(const float *x, int n);

#endif
