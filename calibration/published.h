/* published.h: published measurements the projections are compared with
 * (docs/references.md sec. 1 and 3). Each row names the closest bundled LM
 * shape; where the published model differs, `note` says so. */
#ifndef ES_PUBLISHED_H
#define ES_PUBLISHED_H

typedef enum { PUB_DECODE, PUB_TTFT, PUB_ENERGY, PUB_BATCH8 } pub_kind;

typedef struct {
  pub_kind kind;
  const char *profile;   /* device file used for compute and power */
  double bandwidth_gbs;  /* 0: the device file's; else this variant's */
  const char *device;    /* as published */
  const char *lm;        /* bundled shape projected */
  const char *published; /* model and stack as published */
  int prompt;            /* prompt tokens (TTFT, energy) */
  double value;          /* tok/s, s, Wh/query, or A(8)/A(1) */
  const char *source;
} pub_row;

extern const pub_row pub_rows[];
extern const int pub_nrows;

#endif
