#include "models/strategies/bound/routing_sample_loads.h"

#include <algorithm>

namespace moesim {

SampledLayerTraffic sampled_layer_traffic(const TokenRouting& routing, uint32_t experts,
                                          uint32_t ranks, double token_bytes) {
  SampledLayerTraffic t;
  t.bytes.assign(ranks, std::vector<double>(ranks, 0.0));
  t.rank_selections.assign(ranks, 0.0);
  const size_t tokens = routing.tokens();
  std::vector<uint8_t> sent(ranks, 0);
  for (size_t token = 0; token < tokens; ++token) {
    const auto home = static_cast<uint32_t>(token * ranks / tokens);
    std::fill(sent.begin(), sent.end(), 0);
    for (const uint32_t expert : routing.choices(token)) {
      const auto rank = static_cast<uint32_t>(uint64_t{expert} * ranks / experts);
      t.rank_selections[rank] += 1.0;
      if (rank != home && !sent[rank]) {
        sent[rank] = 1;
        t.bytes[home][rank] += token_bytes;
      }
    }
  }
  return t;
}

}  // namespace moesim
