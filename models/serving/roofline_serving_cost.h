#pragma once
/// The serving cost model of the hardware limit: every operator of an iteration is timed by
/// the roofline (strategies.cost_model: efficiencies and a per-kernel cost) from its FLOPs and
/// bytes (models/layer_operators.h), for any model card on any catalogue GPU, no profile
/// needed. With efficiencies 1 and no kernel cost it is the fastest the GPUs could serve the
/// schedule, the MoE-Lens-style bound a measured or profiled run is read against.
///
/// Layouts:
///   data parallel + expert parallel (tensor_parallel 1): as ProfiledServingCost, each rank its
///     own tokens for attention, the experts shared, all-gather and reduce-scatter per layer;
///   tensor parallel (data_parallel 1): attention heads, dense and shared-expert FFNs and the
///     LM head are split over the TP GPUs (FLOPs, weights and KV traffic divided; activations
///     and the router replicated); routed experts are split along their intermediate dimension,
///     or, with expert parallelism, placed whole on the GPUs; two all-reduces of the tokens'
///     hidden vectors per layer (after attention and after the MoE block).
/// The slowest GPU of each phase sets the pace, as in the profiled model.

#include <vector>

#include "models/cost_model/roofline.h"
#include "models/layer_operators.h"
#include "models/model_card.h"
#include "models/placement/placement.h"
#include "models/serving/batch_routing.h"
#include "models/serving/collective_timer.h"
#include "models/serving/parallel_layout.h"
#include "models/serving/rank_load.h"
#include "models/serving/serving_cost_model.h"
#include "topologies/hardware_specs.h"

namespace moesim {

struct RooflineServingConfig {
  ModelCard card;
  GpuSpec gpu;  ///< peak_flops at the model's dtype
  RooflineConfig roofline;
  ParallelLayout layout;
  double framework_overhead_us = 0.0;
};

class RooflineServingCost final : public ServingCostModel {
 public:
  /// `routing` and `collectives` (over the expert-parallel group, or the tensor-parallel group
  /// when data_parallel is 1) must outlive the model. Throws std::invalid_argument for
  /// pipeline parallelism, tensor parallelism together with data parallelism, or a placement
  /// that does not match the expert-parallel size.
  RooflineServingCost(RooflineServingConfig config, const ExpertPlacement& placement,
                      RoutingGenerator& routing, CollectiveTimer& collectives);

  IterationCost iteration(std::span<const ScheduledBatch> batches) override;

 private:
  /// Microseconds of `ops` on one GPU, work split `split` ways except activations and the
  /// router; accumulated into the attention or dense share of `cost`.
  double ops_us(const std::vector<LayerOperator>& ops, double split, double& attention,
                double& dense) const;
  double experts_us(const std::vector<uint64_t>& load, double split) const;

  RooflineServingConfig config_;
  RooflineCostModel roofline_;
  std::vector<std::vector<uint32_t>> experts_of_gpu_;
  BatchRouting routing_;
  CollectiveTimer* collectives_;
  std::vector<uint64_t> local_load_;
  std::vector<uint64_t> no_load_;
};

}  // namespace moesim
