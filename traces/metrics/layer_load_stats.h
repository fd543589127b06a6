#pragma once
/// Per-layer expert load statistics of a routing trace: loads (selections per expert),
/// max/mean and min/mean, coefficient of variation, top-C coverage, and the co-activation
/// matrix (how often two experts are chosen by the same token at the same layer).

#include <cstdint>
#include <span>
#include <vector>

namespace moesim {

class LayerLoadStats {
 public:
  explicit LayerLoadStats(uint32_t num_experts) : num_experts_(num_experts) {}

  /// One token's choices at `layer` (expert ids below num_experts; std::out_of_range if not).
  void add(uint32_t layer, std::span<const uint32_t> experts);

  uint32_t layers() const { return static_cast<uint32_t>(loads_.size()); }
  uint32_t num_experts() const { return num_experts_; }
  const std::vector<uint64_t>& loads(uint32_t layer) const { return loads_.at(layer); }
  uint64_t tokens(uint32_t layer) const { return tokens_.at(layer); }
  /// Unordered pairs a < b: count of tokens that chose both; index a * E + b.
  const std::vector<uint64_t>& coactivation(uint32_t layer) const {
    return coactivation_.at(layer);
  }

 private:
  uint32_t num_experts_;
  std::vector<std::vector<uint64_t>> loads_;
  std::vector<std::vector<uint64_t>> coactivation_;
  std::vector<uint64_t> tokens_;
};

struct LoadSummary {
  double max_over_mean = 0.0;
  double min_over_mean = 0.0;
  double coefficient_of_variation = 0.0;  ///< population standard deviation / mean
};

/// Summary of one layer's loads (all zero when there are no selections).
LoadSummary summarise_loads(std::span<const double> loads);

/// Share of all selections that fall on the C most loaded experts, for C = 1 .. E
/// (element C - 1).
std::vector<double> coverage_curve(std::span<const double> loads);

}  // namespace moesim
