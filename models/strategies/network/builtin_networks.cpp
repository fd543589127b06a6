// The network models as selectable strategies: flow-level max-min fair sharing
// (sim/max_min_network.h) and the closed-form collective level (sim/collective_network.h).
#include "models/strategies/network/network_family.h"
#include "sim/collective_network.h"
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
  family.add({{"collective",
               "collective-level closed form: each link drains its bytes at full bandwidth, a "
               "step lasts its busiest link plus path latency (exact without shared links); "
               "the serving default above 64 GPUs",
               {},
               nullptr},
              [](const NetworkContext& c, const Params&) {
                return std::make_unique<CollectiveNetwork>(*c.sim);
              }});
}

}  // namespace moesim
