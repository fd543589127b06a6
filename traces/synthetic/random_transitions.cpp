#include "traces/synthetic/random_transitions.h"

#include <cmath>
#include <stdexcept>

namespace moesim {

RandomTransitions::RandomTransitions(uint32_t num_experts, double concentration, double strength,
                                     RngStream& rng)
    : num_experts_(num_experts), concentration_(concentration), strength_(strength), rng_(&rng) {
  if (!(concentration_ > 0.0) || !std::isfinite(concentration_)) {
    throw std::invalid_argument("transition concentration must be > 0");
  }
  if (!(strength_ >= 0.0 && strength_ <= 1.0)) {
    throw std::invalid_argument("transition strength must be in [0, 1]");
  }
}

const LayerTransition* RandomTransitions::at(uint32_t layer) {
  if (layer == 0 || strength_ == 0.0) return nullptr;
  while (layers_.size() < layer) {  // the transition into layer n from layer n - 1
    LayerTransition t;
    t.source = static_cast<uint32_t>(layers_.size());
    t.strength = strength_;
    std::vector<double> row(num_experts_);
    for (uint32_t i = 0; i < num_experts_; ++i) {
      double total = 0.0;
      while (!(total > 0.0)) {
        total = 0.0;
        for (double& w : row) total += (w = rng_->gamma(concentration_));
      }
      t.first_rows.emplace_back(row);
    }
    t.rest_rows = t.first_rows;
    layers_.push_back(std::move(t));
  }
  return &layers_[layer - 1];
}

}  // namespace moesim
