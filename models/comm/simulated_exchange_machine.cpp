#include "models/comm/simulated_exchange_machine.h"

#include <numeric>

#include "models/comm/collective_simulation.h"

namespace moesim {
namespace {

std::vector<uint32_t> all_gpus(const BuiltSystem& system) {
  std::vector<uint32_t> ranks(system.topology.gpus().size());
  std::iota(ranks.begin(), ranks.end(), 0u);
  return ranks;
}

}  // namespace

SimulatedExchangeMachine::SimulatedExchangeMachine(const SystemConfig& config,
                                                   const BuiltSystem& system)
    : config_(&config),
      system_(&system),
      fabric_(system.topology, all_gpus(system), config.nodes > 1 ? config.gpus : 0, config.comm) {}

double SimulatedExchangeMachine::all_gather_us(double bytes) {
  return simulate_collective(*config_, *system_, Collective::kAllGather, fabric_.ranks(), bytes,
                             config_->comm)
      .microseconds();
}

double SimulatedExchangeMachine::reduce_scatter_us(double bytes) {
  return simulate_collective(*config_, *system_, Collective::kReduceScatter, fabric_.ranks(), bytes,
                             config_->comm)
      .microseconds();
}

}  // namespace moesim
