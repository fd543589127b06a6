#pragma once
/// Power-law (Zipf) expert popularity: at each layer the expert of popularity rank r (from 0)
/// has weight 1 / (r + 1)^skew, and which expert holds which rank is a seeded random
/// permutation per layer. skew 0 is uniform; larger skews concentrate load on fewer experts.

#include <deque>
#include <vector>

#include "sim/rng.h"
#include "traces/synthetic/expert_popularity.h"

namespace moesim {

class ZipfPopularity final : public ExpertPopularity {
 public:
  /// `skews[l]` is layer l's exponent (>= 0); layers past the list use its last value. The
  /// permutations are drawn from `rng` once per layer, on first use, in layer order.
  ZipfPopularity(uint32_t num_experts, std::vector<double> skews, RngStream& rng);
  const LayerPopularity& at(uint32_t layer, uint64_t token) override;
  bool drifts() const override { return false; }

 private:
  uint32_t num_experts_;
  std::vector<double> skews_;
  RngStream* rng_;
  std::deque<LayerPopularity> layers_;  // a deque: adding a layer moves no other
};

}  // namespace moesim
