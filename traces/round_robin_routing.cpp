#include "traces/round_robin_routing.h"

namespace moesim {

RoundRobinRouting::RoundRobinRouting(RoutingShape shape) : shape_(shape) {
  check_routing_shape(shape);
}

void RoundRobinRouting::generate(uint32_t /*layer*/, uint32_t tokens, TokenRouting& out) {
  out.clear(shape_.num_experts);
  out.experts.reserve(static_cast<size_t>(tokens) * shape_.top_k);
  for (uint32_t t = 0; t < tokens; ++t) {
    for (uint32_t j = 0; j < shape_.top_k; ++j) out.experts.push_back((t + j) % shape_.num_experts);
    out.close_token();
  }
}

}  // namespace moesim
