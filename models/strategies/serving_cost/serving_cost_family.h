#pragma once
/// Serving cost models: the time of one engine iteration from every data-parallel rank's batch
/// (models/engine/serving/serving_cost_model.h), selected by `serving.cost_model`.

#include <functional>
#include <memory>

#include "models/cost_model/layer_profile.h"
#include "models/cost_model/moe_block_cost.h"
#include "models/cost_model/roofline.h"
#include "models/engine/serving/expert_load_balancer.h"
#include "models/engine/serving/host_offload.h"
#include "models/engine/serving/layer_exchange.h"
#include "models/engine/serving/layout_collectives.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/engine/serving/serving_cost_model.h"
#include "models/model_card.h"
#include "models/strategies/strategy_family.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/hardware_specs.h"
#include "traces/routing_generator.h"

namespace moesim {

struct ServingCostContext {
  const ModelCard* card = nullptr;
  const MoeLayerShape* model = nullptr;
  const GpuSpec* gpu = nullptr;                 ///< peak_flops at the model's dtype
  const HardwareCatalogue* hardware = nullptr;  ///< the catalogue the scenario's names refer to
  RooflineConfig roofline;                      ///< the scenario's operator efficiencies
  ParallelLayout layout;
  double framework_overhead_us = 0.0;   ///< per iteration
  bool two_batch_overlap = false;       ///< roofline only (the loader refuses it otherwise)
  Dtype kv_cache_dtype = Dtype::kBf16;  ///< of the cached keys and values (roofline reads)
  /// Streamed weights (serving.weights: host; roofline only, the loader refuses the others);
  /// null: weights on the GPU.
  const HostOffload* host = nullptr;
  ExpertLoadBalancer* experts = nullptr;
  RoutingGenerator* routing = nullptr;
  LayoutCollectives* collectives = nullptr;
  LayerExchange* exchange = nullptr;  ///< the dispatch strategy on the machine
  /// Builds the scenario's MoE block cost model (`serving.moe_cost`) on a measured profile.
  /// Valid only during the factory call (it refers to the run being built): do not store it.
  std::function<std::unique_ptr<MoeBlockCostModel>(const LayerProfile*)> make_moe_block;
};

using ServingCostFamily = StrategyFamily<ServingCostModel, ServingCostContext>;

/// The profiled model's entry (profiled_serving.cpp) and the roofline's (roofline_serving.cpp).
ServingCostFamily::Entry profiled_serving_entry();
ServingCostFamily::Entry roofline_serving_entry();
ServingCostFamily::Entry operator_database_entry();

}  // namespace moesim
