#pragma once
/// Uniform routing: every token picks top_k distinct experts, each k-subset equally likely.
/// The load-balanced ideal that auxiliary balancing losses aim for; real routers are skewed.
/// generate_counts draws a batch's counts with an ExpertCountChain (every inclusion k / E;
/// all first and second moments exact) unless the batch is small.

#include <optional>
#include <vector>

#include "sim/rng.h"
#include "traces/expert_count_chain.h"
#include "traces/routing_generator.h"

namespace moesim {

class UniformRouting final : public RoutingGenerator {
 public:
  /// Draws from `rng`, which must outlive the generator. Throws std::invalid_argument if
  /// top_k is 0 or exceeds num_experts.
  UniformRouting(RoutingShape shape, RngStream& rng);
  void generate(uint32_t layer, uint32_t tokens, TokenRouting& out) override;
  bool generate_counts(uint32_t layer, std::span<const TokenContext> tokens,
                       std::vector<uint64_t>& counts) override;

 private:
  RoutingShape shape_;
  RngStream* rng_;
  std::vector<uint32_t> scratch_;
  std::vector<uint32_t> picked_;
  std::optional<ExpertCountChain> chain_;
};

}  // namespace moesim
