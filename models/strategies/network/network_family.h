#pragma once
/// Network models: how concurrent flows share the machine's links (sim/network_model.h).

#include "models/strategies/strategy_family.h"
#include "sim/network_model.h"
#include "sim/simulator.h"

namespace moesim {

struct NetworkContext {
  Simulator* sim = nullptr;
};

/// Serving runs on more GPUs than this use the collective-level network unless the scenario
/// names one: flows of rings over hundreds of GPUs take minutes, the closed form microseconds.
constexpr uint32_t kFlowLevelServingGpus = 64;

using NetworkFamily = StrategyFamily<NetworkModel, NetworkContext>;

void add_builtin_networks(NetworkFamily& family);

}  // namespace moesim
