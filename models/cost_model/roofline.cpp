#include "models/cost_model/roofline.h"

#include <algorithm>
#include <stdexcept>

namespace moesim {

RooflineCostModel::RooflineCostModel(RooflineConfig config) : config_(config) {
  auto in_range = [](double e) { return e > 0.0 && e <= 1.0; };
  if (!in_range(config.compute_efficiency) || !in_range(config.memory_efficiency)) {
    throw std::invalid_argument("roofline efficiencies must lie in (0, 1]");
  }
  for (const auto& [kind, e] : config.per_operator) {
    if (!in_range(e.compute) || !in_range(e.memory)) {
      throw std::invalid_argument("roofline efficiencies must lie in (0, 1]");
    }
  }
  if (config.kernel_overhead < Time::zero()) {
    throw std::invalid_argument("roofline kernel_overhead must not be negative");
  }
}

Time RooflineCostModel::op_time(const OpCost& work, const GpuSpec& gpu) const {
  RooflineEfficiency e{config_.compute_efficiency, config_.memory_efficiency};
  if (const auto it = config_.per_operator.find(work.kind); it != config_.per_operator.end()) {
    e = it->second;
  }
  const double compute_s = work.flops / (gpu.peak_flops * e.compute);
  const double memory_s = work.bytes / (gpu.memory_bandwidth * e.memory);
  return Time::from_seconds_ceil(std::max(compute_s, memory_s)) + config_.kernel_overhead;
}

}  // namespace moesim
