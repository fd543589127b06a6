#pragma once
/// MoE block cost models: the time of one rank's routed-expert block from its experts' token
/// counts (models/cost_model/moe_block_cost.h), selected by `serving.moe_cost`.

#include "models/cost_model/layer_profile.h"
#include "models/cost_model/moe_block_cost.h"
#include "models/cost_model/roofline.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/strategy_family.h"
#include "topologies/hardware_specs.h"

namespace moesim {

struct MoeBlockContext {
  const MoeLayerShape* model = nullptr;
  const GpuSpec* gpu = nullptr;
  RooflineConfig roofline;                ///< the scenario's operator efficiencies
  const LayerProfile* profile = nullptr;  ///< the serving model's measured profile, if any
};

using MoeBlockFamily = StrategyFamily<MoeBlockCostModel, MoeBlockContext>;

void add_builtin_moe_blocks(MoeBlockFamily& family);

}  // namespace moesim
