#include "models/cost_model/roofline_moe_block_cost.h"

#include "models/operator_costs.h"

namespace moesim {

RooflineMoeBlockCost::RooflineMoeBlockCost(MoeLayerShape shape, GpuSpec gpu, RooflineConfig config)
    : shape_(std::move(shape)), gpu_(std::move(gpu)), roofline_(config) {}

double RooflineMoeBlockCost::block_us(std::span<const uint64_t> tokens_per_expert) const {
  double us = 0.0;
  for (const uint64_t tokens : tokens_per_expert) {
    if (tokens > 0) us += roofline_.op_time(expert_cost(shape_, tokens), gpu_).microseconds();
  }
  return us;
}

}  // namespace moesim
