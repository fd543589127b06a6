#pragma once
/// Time of one rank's MoE block from its per-expert token counts:
///   block_us = fixed_us + per_expert_us x (experts with at least one token)
///             + per_pair_us x (token-expert pairs on the rank)
/// Each active expert costs its weight reads and a kernel tile of its own; each routed token
/// costs its share of the GEMMs. Skewed routing on a rank therefore changes the time both
/// through fewer or more active experts and through the pairs they carry.
///
/// Fit rule (`fit`): least squares on relative error, sum ((model - measured) / measured)^2,
/// solved in closed form (the model is linear in its three constants).

#include <cstdint>
#include <vector>

#include "models/cost_model/moe_block_cost.h"

namespace moesim {

class ExpertLoadCost final : public MoeBlockCostModel {
 public:
  /// One measured block: the rank's token count per local expert, and its time.
  struct Sample {
    std::vector<uint64_t> tokens_per_expert;
    double time_us = 0.0;
  };

  /// Throws std::invalid_argument for a negative constant.
  ExpertLoadCost(double fixed_us, double per_expert_us, double per_pair_us);

  /// Fits the three constants; throws std::invalid_argument for fewer than three samples or
  /// a non-positive time.
  static ExpertLoadCost fit(const std::vector<Sample>& samples);

  double block_us(std::span<const uint64_t> tokens_per_expert) const override;

  double fixed_us() const { return fixed_us_; }  ///< per block, whatever the load
  double per_expert_us() const { return per_expert_us_; }
  double per_pair_us() const { return per_pair_us_; }

 private:
  double fixed_us_, per_expert_us_, per_pair_us_;
};

}  // namespace moesim
