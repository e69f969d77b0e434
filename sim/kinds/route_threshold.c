/* route_threshold.c: a RouteLLM-like router (Ong et al. 2024). A request of
 * difficulty d is hard when d > theta; the router puts it on the correct
 * side with probability router_accuracy (one uniform u per request: right
 * iff u < router_accuracy). Requests judged hard go to the cloud; the rest
 * to the edge, and to the cloud if the edge rejects them. */
#include "kinds.h"

typedef struct cfg {
  double theta;    /* difficulty threshold, [0, 1] */
  double accuracy; /* P(the router judges the side of theta right) */
} cfg;

static const key_row KEYS[] = {
    KEY_NUM("theta", offsetof(cfg, theta), 0, 1, 0, "0.5",
            "threshold: requests judged harder (d > theta) go to the cloud"),
    KEY_NUM("router_accuracy", offsetof(cfg, accuracy), 0, 1, 0, "1",
            "P(the router puts a request on the correct side of theta); 1: perfect"),
    KEY_END};

static int to_cloud(const void *p, gsl_rng *r, double d) {
  const cfg *k = p;
  int hard = d > k->theta, right = rng_u01(r) < k->accuracy;
  return hard == right;
}

const route_ops route_threshold = {
    .h = {"threshold", "requests judged harder than theta to the cloud (RouteLLM-like)", KEYS,
          sizeof(cfg), NULL, NULL},
    .to_cloud = to_cloud,
};
