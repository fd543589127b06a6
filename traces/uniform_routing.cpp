#include "traces/uniform_routing.h"

namespace moesim {

UniformRouting::UniformRouting(RoutingShape shape, RngStream& rng) : shape_(shape), rng_(&rng) {
  check_routing_shape(shape);
}

void UniformRouting::generate(uint32_t /*layer*/, uint32_t tokens, TokenRouting& out) {
  out.clear(shape_.num_experts);
  out.experts.reserve(static_cast<size_t>(tokens) * shape_.top_k);
  for (uint32_t t = 0; t < tokens; ++t) {
    rng_->sample_distinct(shape_.num_experts, shape_.top_k, scratch_, picked_);
    out.experts.insert(out.experts.end(), picked_.begin(), picked_.end());
    out.close_token();
  }
}

}  // namespace moesim
