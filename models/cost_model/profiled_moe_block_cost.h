#pragma once
/// An MoE block timed from a measured (tokens, activated experts) table, as LLMServingSim's
/// profile of vLLM's fused MoE kernel gives it: the block is looked up at (token-expert pairs /
/// top_k tokens, experts with at least one token). The table was measured with tokens that
/// each picked top_k of the activated experts, so equal pair counts mean equal GEMM rows;
/// how the pairs spread over the active experts is not in the table.

#include "models/cost_model/layer_profile.h"
#include "models/cost_model/moe_block_cost.h"

namespace moesim {

class ProfiledMoeBlockCost final : public MoeBlockCostModel {
 public:
  /// `profile` must outlive the model. Throws std::invalid_argument if top_k is 0.
  ProfiledMoeBlockCost(const LayerProfile& profile, uint32_t top_k);
  double block_us(std::span<const uint64_t> tokens_per_expert) const override;

 private:
  const LayerProfile* profile_;
  uint32_t top_k_;
};

}  // namespace moesim
