/* route_edge_first.c: the paper's routing: every request to the edge; the
 * cloud answers what the edge rejects. No draws, no hooks. */
#include "kinds.h"

const route_ops route_edge_first = {
    .h = {"edge_first", "the edge if a device admits the request, else the cloud (the paper's)",
          NULL, 0, NULL, NULL},
};
