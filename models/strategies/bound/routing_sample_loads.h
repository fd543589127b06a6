#pragma once
/// What the routing-sample bounds (all-to-all, straggler) share: a sampled layer's tokens
/// homed in contiguous blocks over the ranks, experts in contiguous blocks over the same ranks
/// (vLLM's and SGLang's expert-parallel layout).

#include <cstdint>
#include <vector>

#include "traces/token_routing.h"

namespace moesim {

struct SampledLayerTraffic {
  std::vector<std::vector<double>> bytes;  ///< [src][dst] dispatch bytes, one copy per rank
  std::vector<double> rank_selections;     ///< token-expert pairs each rank's experts serve
};

/// The traffic of one layer's sampled `routing` over `ranks`.
SampledLayerTraffic sampled_layer_traffic(const TokenRouting& routing, uint32_t experts,
                                          uint32_t ranks, double token_bytes);

}  // namespace moesim
