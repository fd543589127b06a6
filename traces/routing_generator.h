#pragma once
/// Routing generators: synthesise which experts each token picks, layer by layer.

#include <cstdint>
#include <string>

#include "traces/token_routing.h"

namespace moesim {

struct RoutingShape {
  uint32_t num_experts = 0;
  uint32_t top_k = 0;  ///< choices per token, <= num_experts
};

/// Throws std::invalid_argument unless 0 < top_k <= num_experts.
void check_routing_shape(const RoutingShape& shape);

class RoutingGenerator {
 public:
  virtual ~RoutingGenerator() = default;
  /// Fills `out` with the choices of `tokens` tokens at `layer`.
  virtual void generate(uint32_t layer, uint32_t tokens, TokenRouting& out) = 0;
};

}  // namespace moesim
