#pragma once
/// Routing generators: which experts each token picks at each MoE layer
/// (traces/routing_generator.h), selected by `routing.generator`.

#include <cstdint>

#include "models/strategies/strategy_family.h"
#include "sim/rng.h"
#include "traces/routing_generator.h"

namespace moesim {

struct RoutingContext {
  RoutingShape shape;
  RngStreams* rng = nullptr;
  uint32_t moe_layers = 0;  ///< the model's MoE layers (a replayed trace must have them)
};

using RoutingFamily = StrategyFamily<RoutingGenerator, RoutingContext>;

/// uniform, round_robin, zipf, dirichlet, synthetic, trace, calibrated.
void add_builtin_routing(RoutingFamily& family);

}  // namespace moesim
