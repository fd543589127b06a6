#include "traces/uniform_routing.h"

namespace moesim {

UniformRouting::UniformRouting(RoutingShape shape, RngStream& rng) : shape_(shape), rng_(&rng) {
  check_routing_shape(shape);
  const std::vector<double> inclusion(
      shape.num_experts, static_cast<double>(shape.top_k) / static_cast<double>(shape.num_experts));
  chain_ = ExpertCountChain::build(inclusion, shape.top_k);
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

bool UniformRouting::generate_counts(uint32_t /*layer*/, std::span<const TokenContext> tokens,
                                     std::vector<uint64_t>& counts) {
  if (!chain_ ||
      !draw_as_counts(static_cast<double>(tokens.size()), shape_.top_k, shape_.num_experts)) {
    return false;
  }
  counts.assign(shape_.num_experts, 0);
  chain_->draw(tokens.size(), *rng_, counts);
  return true;
}

}  // namespace moesim
