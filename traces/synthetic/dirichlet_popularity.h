#pragma once
/// Drifting popularity: at each layer, a fresh popularity vector is drawn from a symmetric
/// Dirichlet(alpha) every `segment` tokens, so the counts within a segment are
/// Dirichlet-multinomial. Small alpha gives a few hot experts per segment that change from
/// segment to segment (bursty, locally consistent routing); large alpha tends to uniform.

#include <cstdint>
#include <vector>

#include "sim/rng.h"
#include "traces/synthetic/expert_popularity.h"

namespace moesim {

class DirichletPopularity final : public ExpertPopularity {
 public:
  /// alpha > 0, segment > 0 tokens (std::invalid_argument otherwise). Vectors are drawn from
  /// `rng` (Gamma(alpha) per expert, normalised) when a layer enters a new segment.
  DirichletPopularity(uint32_t num_experts, double alpha, uint64_t segment, RngStream& rng);
  const LayerPopularity& at(uint32_t layer, uint64_t token) override;
  bool drifts() const override { return true; }

 private:
  struct LayerState {
    uint64_t segment_index = UINT64_MAX;  // the segment `popularity` was drawn for
    LayerPopularity popularity;
  };
  uint32_t num_experts_;
  double alpha_;
  uint64_t segment_;
  RngStream* rng_;
  std::vector<LayerState> layers_;
  std::vector<double> weights_;
};

}  // namespace moesim
