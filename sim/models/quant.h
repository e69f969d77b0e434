/* quant.h: block quantization formats for weights and activations.
 *
 * Weights use ggml-compatible block sizes so that bytes per weight match the
 * public descriptions (docs/references.md sec. 5):
 *   Q8_0: 32 int8 values + one fp16 scale  = 34 bytes / 32 weights (8.5 bits)
 *   Q4_0: 32 4-bit values + one fp16 scale = 18 bytes / 32 weights (4.5 bits)
 * Both are symmetric: value = d * q. Q8_0 uses q in [-127,127], Q4_0 uses
 * q in [-7,7] stored as q+8 in a nibble (the -8 code is never produced, so the
 * round-trip error is at most d/2 per value; ggml's Q4_0 also uses -8).
 * Activations are quantized per block of 32 into QA rows (int8 codes, fp32
 * scales) so that a dot product is an int32 sum per block times two scales.
 *
 * Invariant: an all-zero block gets scale 0 and all-zero codes (no 0/0).
 * Ownership: every function writes into caller-provided arrays. */
#ifndef ES_QUANT_H
#define ES_QUANT_H

#include <stddef.h>
#include <stdint.h>

#define QK 32 /* values per block, all formats */

typedef enum { QT_Q8_0 = 0, QT_Q4_0 = 1 } qt_type;

typedef struct {
  uint16_t d;    /* fp16 scale */
  int8_t qs[QK]; /* codes in [-127,127] */
} block_q8_0;

typedef struct {
  uint16_t d;         /* fp16 scale */
  uint8_t qs[QK / 2]; /* byte j: value j in low nibble, value j+16 in high */
} block_q4_0;

/* A quantized activation row of n values: block b is codes qs[32b..32b+31]
 * in [-127,127] with fp32 scale d[b] and code sum s[b]. Scales and sums are
 * separate arrays so that SIMD code loads eight of them at once; the sums
 * let it multiply unsigned Q4 codes. */
typedef struct {
  const int8_t *qs; /* (n,) */
  const float *d;   /* (n/QK,) */
  const int32_t *s; /* (n/QK,) */
} qa_row;

/* A quantized matrix W (rows, cols), row-major, each row cols/QK blocks. */
typedef struct {
  qt_type type;
  int rows, cols; /* cols a multiple of QK */
  void *data;     /* rows * qt_row_bytes(type, cols) bytes */
} qt_tensor;

/* IEEE half <-> single, round to nearest even; exact for half -> single. */
float qt_f16_to_f32(uint16_t h);
uint16_t qt_f32_to_f16(float f);

/* Bytes of one block and of n values (n a multiple of QK). */
size_t qt_block_bytes(qt_type t);
size_t qt_row_bytes(qt_type t, int n);
const char *qt_name(qt_type t);
int qt_parse(const char *name, qt_type *t); /* 0 ok, -1 unknown name */

/* x (n,) -> y (n/QK blocks); n a multiple of QK. */
void qt_quantize(qt_type t, const float *x, void *y, int n);
/* y (n/QK blocks) -> x (n,) */
void qt_dequantize(qt_type t, const void *y, float *x, int n);
/* activations: x (n,) -> codes qs (n,), scales d (n/QK,), sums s (n/QK,) */
void qa_quantize(const float *x, int8_t *qs, float *d, int32_t *s, int n);

#endif
