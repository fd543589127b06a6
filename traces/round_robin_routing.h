#pragma once
/// Round-robin routing: token t picks experts t, t+1, ..., t+k-1 (mod E), across all layers
/// (t counted from 0 in each call). Perfectly balanced and deterministic: the routing for
/// analytic checks of dispatch volumes. generate_counts gives the same counts in O(E + k).

#include "traces/routing_generator.h"

namespace moesim {

class RoundRobinRouting final : public RoutingGenerator {
 public:
  explicit RoundRobinRouting(RoutingShape shape);
  void generate(uint32_t layer, uint32_t tokens, TokenRouting& out) override;
  bool generate_counts(uint32_t layer, std::span<const TokenContext> tokens,
                       std::vector<uint64_t>& counts) override;

 private:
  RoutingShape shape_;
};

}  // namespace moesim
