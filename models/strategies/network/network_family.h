#pragma once
/// Network models: how concurrent flows share the machine's links (sim/network_model.h).

#include "models/strategies/strategy_family.h"
#include "sim/network_model.h"
#include "sim/simulator.h"

namespace moesim {

struct NetworkContext {
  Simulator* sim = nullptr;
};

using NetworkFamily = StrategyFamily<NetworkModel, NetworkContext>;

void add_builtin_networks(NetworkFamily& family);

}  // namespace moesim
