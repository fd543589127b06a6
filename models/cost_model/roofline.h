#pragma once
/// Roofline cost: an operator is bound either by compute or by memory traffic,
///   time = max(FLOPs / (peak x compute_efficiency), bytes / (bandwidth x memory_efficiency))
///          + kernel_overhead
/// (Williams, Waterman, Patterson, "Roofline", CACM 2009). With efficiencies 1 and no overhead
/// it is the hardware limit: no real kernel is faster.

#include <map>

#include "models/cost_model/cost_model.h"

namespace moesim {

struct RooflineEfficiency {
  double compute = 1.0;  ///< achieved fraction of peak FLOP/s, in (0, 1]
  double memory = 1.0;   ///< achieved fraction of memory bandwidth, in (0, 1]
};

struct RooflineConfig {
  double compute_efficiency = 1.0;  ///< achieved fraction of peak FLOP/s, in (0, 1]
  double memory_efficiency = 1.0;   ///< achieved fraction of memory bandwidth, in (0, 1]
  Time kernel_overhead;             ///< fixed cost per operator (launch, tail)
  /// Efficiencies of particular operators, replacing the two above for them.
  std::map<OpKind, RooflineEfficiency> per_operator;
};

class RooflineCostModel final : public CostModel {
 public:
  /// Throws std::invalid_argument for efficiencies outside (0, 1] or a negative overhead.
  explicit RooflineCostModel(RooflineConfig config);
  Time op_time(const OpCost& work, const GpuSpec& gpu) const override;

 private:
  RooflineConfig config_;
};

}  // namespace moesim
