#pragma once
/// Synthetic cross-layer dependence: layer l (>= 1) depends on layer l - 1 through a random
/// transition matrix whose rows are drawn from a symmetric Dirichlet(concentration). Small
/// concentrations make each source expert lead to a few favourite experts (strong affinity,
/// as ExFlow-style placements exploit); `strength` mixes the rows with the marginal.

#include <vector>

#include "sim/rng.h"
#include "traces/synthetic/cross_layer_model.h"

namespace moesim {

class RandomTransitions final : public CrossLayerModel {
 public:
  /// concentration > 0, strength in [0, 1] (std::invalid_argument otherwise). Rows are drawn
  /// from `rng` on first use of a layer, in layer order.
  RandomTransitions(uint32_t num_experts, double concentration, double strength, RngStream& rng);
  const LayerTransition* at(uint32_t layer) override;
  /// Every layer conditions the next (the model does not know the last layer).
  bool is_source(uint32_t /*layer*/) const override { return strength_ > 0.0; }

 private:
  uint32_t num_experts_;
  double concentration_;
  double strength_;
  RngStream* rng_;
  std::vector<LayerTransition> layers_;  // index l - 1 holds the transition into layer l
};

}  // namespace moesim
