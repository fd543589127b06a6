#include "traces/metrics/layer_load_stats.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace moesim {

void LayerLoadStats::add(uint32_t layer, std::span<const uint32_t> experts) {
  if (loads_.size() <= layer) {
    loads_.resize(layer + 1, std::vector<uint64_t>(num_experts_, 0));
    coactivation_.resize(layer + 1,
                         std::vector<uint64_t>(static_cast<size_t>(num_experts_) * num_experts_));
    tokens_.resize(layer + 1, 0);
  }
  ++tokens_[layer];
  auto& loads = loads_[layer];
  auto& pairs = coactivation_[layer];
  for (size_t i = 0; i < experts.size(); ++i) {
    if (experts[i] >= num_experts_) throw std::out_of_range("expert id beyond the trace's experts");
    ++loads[experts[i]];
    for (size_t j = 0; j < i; ++j) {
      const uint32_t a = std::min(experts[i], experts[j]), b = std::max(experts[i], experts[j]);
      ++pairs[static_cast<size_t>(a) * num_experts_ + b];
    }
  }
}

LoadSummary summarise_loads(std::span<const double> loads) {
  LoadSummary s;
  if (loads.empty()) return s;
  double total = 0.0, square = 0.0;
  for (const double x : loads) {
    total += x;
    square += x * x;
  }
  const double mean = total / static_cast<double>(loads.size());
  if (!(mean > 0.0)) return s;
  const double variance = std::max(0.0, square / static_cast<double>(loads.size()) - mean * mean);
  s.max_over_mean = *std::max_element(loads.begin(), loads.end()) / mean;
  s.min_over_mean = *std::min_element(loads.begin(), loads.end()) / mean;
  s.coefficient_of_variation = std::sqrt(variance) / mean;
  return s;
}

std::vector<double> coverage_curve(std::span<const double> loads) {
  std::vector<double> sorted(loads.begin(), loads.end());
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double total = 0.0;
  for (const double x : sorted) total += x;
  std::vector<double> out(sorted.size(), 0.0);
  double running = 0.0;
  for (size_t c = 0; c < sorted.size(); ++c) {
    running += sorted[c];
    out[c] = total > 0.0 ? running / total : 0.0;
  }
  return out;
}

}  // namespace moesim
