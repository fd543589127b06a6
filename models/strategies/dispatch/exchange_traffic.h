#pragma once
/// The bytes each rank sends and receives when a layer's tokens move, by route; dispatch
/// direction (to the experts). Combine sends the same tokens back: transposed(), with the
/// combine payload's bytes.

#include "models/comm/ep_fabric.h"
#include "models/strategies/dispatch/token_matrix.h"

namespace moesim {

/// Every token straight to every rank holding one of its experts, one copy per rank (a flat
/// all-to-allv); `bytes_per_token`: the payload of one token.
StepTraffic direct_traffic(const TokenMatrix& m, double bytes_per_token);

/// Hierarchical, first step: every token once to every other node holding one of its experts,
/// landing on the GPU with the sender's local index (the rail peer); arrivals spread evenly
/// over the node's ranks.
StepTraffic internode_traffic(const TokenMatrix& m, double bytes_per_token);

/// Hierarchical, second step: inside each node, the tokens that landed are forwarded to every
/// rank holding one of their experts, and the node's own tokens go straight there.
StepTraffic intranode_traffic(const TokenMatrix& m, double bytes_per_token);

/// The reverse exchange: sends become receives (combine returns what dispatch delivered).
StepTraffic transposed(StepTraffic t);

}  // namespace moesim
