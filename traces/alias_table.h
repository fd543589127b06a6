#pragma once
/// Walker's alias method (Vose's construction): O(n) set-up, then one uniform draw per sample
/// from a discrete distribution over [0, n).

#include <cstdint>
#include <span>
#include <vector>

#include "sim/rng.h"

namespace moesim {

class AliasTable {
 public:
  AliasTable() = default;
  /// `weights` are non-negative with a positive sum (std::invalid_argument otherwise); they
  /// need not be normalised.
  explicit AliasTable(std::span<const double> weights);

  uint32_t size() const { return static_cast<uint32_t>(accept_.size()); }
  bool empty() const { return accept_.empty(); }
  /// Probability of each value, normalised (what the table samples).
  const std::vector<double>& probabilities() const { return probabilities_; }

  /// One value drawn with probability weights[i] / sum(weights).
  uint32_t sample(RngStream& rng) const {
    const double x = rng.uniform01() * static_cast<double>(accept_.size());
    const auto column = static_cast<uint32_t>(x);
    return x - column < accept_[column] ? column : alias_[column];
  }

 private:
  std::vector<double> accept_;  // chance of keeping column i rather than its alias
  std::vector<uint32_t> alias_;
  std::vector<double> probabilities_;
};

}  // namespace moesim
