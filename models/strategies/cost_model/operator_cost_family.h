#pragma once
/// Operator cost models: the time of one operator (FLOPs, bytes) on a device
/// (models/cost_model/cost_model.h), selected by `strategies.cost_model`.

#include "models/cost_model/cost_model.h"
#include "models/cost_model/roofline.h"
#include "models/strategies/strategy_family.h"

namespace moesim {

struct OperatorCostContext {};

using OperatorCostFamily = StrategyFamily<CostModel, OperatorCostContext>;

/// The roofline's configuration from its parameters (also read by the serving and MoE block
/// roofline models, which apply the scenario's operator efficiencies).
RooflineConfig roofline_config(const Params& params);

void add_builtin_operator_costs(OperatorCostFamily& family);

}  // namespace moesim
