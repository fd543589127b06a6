#pragma once
/// Round-robin routing: token t picks experts t, t+1, ..., t+k-1 (mod E), across all layers.
/// Perfectly balanced and deterministic: the routing for analytic checks of dispatch volumes.

#include "traces/routing_generator.h"

namespace moesim {

class RoundRobinRouting final : public RoutingGenerator {
 public:
  explicit RoundRobinRouting(RoutingShape shape);
  void generate(uint32_t layer, uint32_t tokens, TokenRouting& out) override;

 private:
  RoutingShape shape_;
};

}  // namespace moesim
