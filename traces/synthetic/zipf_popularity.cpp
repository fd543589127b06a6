#include "traces/synthetic/zipf_popularity.h"

#include <cmath>
#include <stdexcept>

namespace moesim {

ZipfPopularity::ZipfPopularity(uint32_t num_experts, std::vector<double> skews, RngStream& rng)
    : num_experts_(num_experts), skews_(std::move(skews)), rng_(&rng) {
  if (num_experts_ == 0) throw std::invalid_argument("zipf popularity needs experts");
  if (skews_.empty()) throw std::invalid_argument("zipf popularity needs a skew");
  for (const double s : skews_) {
    if (!(s >= 0.0) || !std::isfinite(s)) throw std::invalid_argument("zipf skew must be >= 0");
  }
}

const LayerPopularity& ZipfPopularity::at(uint32_t layer, uint64_t /*token*/) {
  while (layers_.size() <= layer) {
    const size_t l = layers_.size();
    const double skew = skews_[std::min(l, skews_.size() - 1)];
    std::vector<uint32_t> scratch, order;
    rng_->sample_distinct(num_experts_, num_experts_, scratch, order);  // order[r]: rank r
    std::vector<double> weights(num_experts_);
    for (uint32_t r = 0; r < num_experts_; ++r) {
      weights[order[r]] = std::pow(static_cast<double>(r) + 1.0, -skew);
    }
    AliasTable table(weights);
    layers_.push_back({table, table});
  }
  return layers_[layer];
}

}  // namespace moesim
