/* route_cascade.c: a FrugalGPT-like cascade (Chen et al. 2023). The edge
 * answers; a verifier escalates a wrong answer with probability tpr and a
 * right one with probability fpr. The edge answer of an LM with P(correct |
 * d) = p is right with probability p, so the request is escalated with
 * probability q = p fpr + (1 - p) tpr: one uniform u per admitted request,
 * escalated iff u < q (the same law as drawing the answer's correctness,
 * then the verdict). A kept answer is right with probability p (1 - fpr) /
 * (1 - q), its expected accuracy given the verdict; an escalated one p fpr /
 * q (it stands if the cloud refuses the escalation). Requests the edge
 * rejects go to the cloud as in edge_first. */
#include "kinds.h"

typedef struct cfg {
  int has_verifier;
  double tpr, fpr;
} cfg;

static const key_row VERIFIER_KEYS[] = {KEY_NUM("tpr", offsetof(cfg, tpr), 0, 1, K_REQ, NULL,
                                                "P(a wrong edge answer is escalated to the cloud)"),
                                        KEY_NUM("fpr", offsetof(cfg, fpr), 0, 1, K_REQ, NULL,
                                                "P(a right edge answer is escalated to the cloud)"),
                                        KEY_END};

static const key_row KEYS[] = {KEY_OBJ("verifier", offsetof(cfg, has_verifier), VERIFIER_KEYS,
                                       K_REQ, NULL, "the verifier of edge answers"),
                               KEY_END};

static int escalate(const void *p, gsl_rng *r, double pc, double *acc) {
  const cfg *k = p;
  double q = pc * k->fpr + (1 - pc) * k->tpr;
  if (rng_u01(r) < q) {
    *acc = pc * k->fpr / q; /* q > 0: u >= 0 */
    return 1;
  }
  *acc = pc * (1 - k->fpr) / (1 - q); /* 1 - q > 0: u < 1 */
  return 0;
}

/* An escalation goes to the cloud when the edge answer completes; a cloud
 * that refuses it (outage, limits, budget) leaves the edge answer standing
 * (route.h). A disabled cloud would make the cascade edge_first. */
static int validate(kctx *c, const scn *s, const void *p) {
  (void)p;
  if (!s->cloud.enabled)
    return key_fail(c, "routing.strategy", "\"cascade\" needs cloud.enabled true");
  return 0;
}

const route_ops route_cascade = {
    .h = {"cascade", "the edge answers, a verifier escalates to the cloud (FrugalGPT-like)", KEYS,
          sizeof(cfg), NULL, NULL},
    .escalate = escalate,
    .validate = validate,
};
