#pragma once
/// The layer path's ExchangeMachine: the expert-parallel ranks are the machine's GPUs in rank
/// order, and the all-gather and reduce-scatter a dispatch strategy asks for are simulated as
/// flows on a fresh copy of the machine with its NCCL constants (simulate_collective).

#include "models/comm/ep_fabric.h"
#include "models/strategies/dispatch/dispatch_strategy.h"
#include "topologies/system_config.h"

namespace moesim {

class SimulatedExchangeMachine final : public ExchangeMachine {
 public:
  /// `config` and `system` must outlive this object.
  SimulatedExchangeMachine(const SystemConfig& config, const BuiltSystem& system);

  const EpFabric& fabric() const override { return fabric_; }
  double all_gather_us(double bytes) override;
  double reduce_scatter_us(double bytes) override;

 private:
  const SystemConfig* config_;
  const BuiltSystem* system_;
  EpFabric fabric_;
};

}  // namespace moesim
