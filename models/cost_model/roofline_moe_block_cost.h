#pragma once
/// The roofline of an MoE block: each active expert is one kernel whose time is
/// max(6 T H F FLOPs / (peak x compute_efficiency), (weights + token vectors in and out) /
/// (bandwidth x memory_efficiency)) plus the kernel overhead (models/operator_costs.h counts
/// the work). With efficiencies 1 and no overhead it is the hardware limit of the block.

#include "models/cost_model/moe_block_cost.h"
#include "models/cost_model/roofline.h"
#include "models/moe_layer_shape.h"
#include "topologies/hardware_specs.h"

namespace moesim {

class RooflineMoeBlockCost final : public MoeBlockCostModel {
 public:
  /// Throws std::invalid_argument as RooflineCostModel does.
  RooflineMoeBlockCost(MoeLayerShape shape, GpuSpec gpu, RooflineConfig config);
  double block_us(std::span<const uint64_t> tokens_per_expert) const override;

 private:
  MoeLayerShape shape_;
  GpuSpec gpu_;
  RooflineCostModel roofline_;
};

}  // namespace moesim
