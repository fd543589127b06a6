// The flow-level max-min network (sim/max_min_network.h) as a selectable strategy.
#include "models/strategies/network/network_family.h"
#include "sim/max_min_network.h"

namespace moesim {

void add_builtin_networks(NetworkFamily& family) {
  family.add({{"max_min",
               "flow-level: max-min fair sharing by progressive filling, per-hop latency",
               {},
               nullptr},
              [](const NetworkContext& c, const Params&) {
                return std::make_unique<MaxMinNetwork>(*c.sim);
              }});
}

}  // namespace moesim
