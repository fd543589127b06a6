#pragma once
/// How many experts a token picks at a layer. Top-k routers always pick k; top-p routing and
/// null-expert routing make the count vary per token and layer, which this draws.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/rng.h"
#include "traces/alias_table.h"

namespace moesim {

class KDistribution {
 public:
  /// Always k.
  static KDistribution fixed(uint32_t k);
  /// P(k = min + i) = probabilities[i]; the weights are normalised (std::invalid_argument if
  /// none is positive or any is negative).
  static KDistribution explicit_probabilities(uint32_t min, std::span<const double> probabilities);
  /// The maximum-entropy distribution on [min, max] with the given mean: P(k) proportional to
  /// exp(theta k), theta found by bisection. Needs min <= mean <= max (std::invalid_argument).
  static KDistribution with_mean(uint32_t min, uint32_t max, double mean);

  uint32_t min() const { return min_; }
  uint32_t max() const { return min_ + static_cast<uint32_t>(probabilities_.size()) - 1; }
  double mean() const;
  /// P(k = min() + i).
  const std::vector<double>& probabilities() const { return probabilities_; }

  uint32_t sample(RngStream& rng) const {
    return probabilities_.size() == 1 ? min_ : min_ + table_.sample(rng);
  }

 private:
  KDistribution(uint32_t min, std::vector<double> probabilities);

  uint32_t min_ = 1;
  std::vector<double> probabilities_;
  AliasTable table_;
};

}  // namespace moesim
