#pragma once
/// Durations of the collectives a serving iteration issues, simulated once per message size on
/// the scenario's machine (flows over its topology with its fitted NCCL constants) and then
/// remembered: an iteration's collectives run alone on the network, so equal sizes take equal
/// times.

#include <cstdint>
#include <map>

#include "models/comm/collective_simulation.h"
#include "topologies/system_config.h"

namespace moesim {

class CollectiveTimer {
 public:
  /// Collectives among the first `ranks` GPUs of `system`. Throws std::invalid_argument if the
  /// machine has fewer GPUs.
  CollectiveTimer(SystemConfig config, HardwareCatalogue hardware, uint32_t ranks);

  /// Seconds for `op` over `total_bytes` (the gathered or reduced buffer), 0 for one rank.
  double seconds(Collective op, double total_bytes);

 private:
  SystemConfig config_;
  HardwareCatalogue hardware_;
  BuiltSystem system_;
  uint32_t ranks_;
  std::map<std::pair<Collective, double>, double> memo_;
};

}  // namespace moesim
