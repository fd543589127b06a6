#include "traces/synthetic/dirichlet_popularity.h"

#include <cmath>
#include <stdexcept>

namespace moesim {

DirichletPopularity::DirichletPopularity(uint32_t num_experts, double alpha, uint64_t segment,
                                         RngStream& rng)
    : num_experts_(num_experts), alpha_(alpha), segment_(segment), rng_(&rng) {
  if (num_experts_ == 0) throw std::invalid_argument("dirichlet popularity needs experts");
  if (!(alpha_ > 0.0) || !std::isfinite(alpha_)) {
    throw std::invalid_argument("dirichlet alpha must be > 0");
  }
  if (segment_ == 0) throw std::invalid_argument("dirichlet segment must be > 0 tokens");
}

const LayerPopularity& DirichletPopularity::at(uint32_t layer, uint64_t token) {
  if (layers_.size() <= layer) layers_.resize(layer + 1);
  LayerState& state = layers_[layer];
  const uint64_t index = token / segment_;
  if (state.segment_index != index) {
    weights_.assign(num_experts_, 0.0);
    double total = 0.0;
    // Gammas of a small alpha can all underflow to 0; draw again (probability ~0 for E >= 8).
    while (!(total > 0.0)) {
      total = 0.0;
      for (double& w : weights_) total += (w = rng_->gamma(alpha_));
    }
    AliasTable table(weights_);
    state.popularity = {table, table};
    state.segment_index = index;
  }
  return state.popularity;
}

}  // namespace moesim
