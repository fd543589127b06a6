#pragma once
/// The serving run's ExchangeMachine (models/strategies/dispatch/exchange_machine.h).

#include "models/engine/serving/layout_collectives.h"
#include "models/strategies/dispatch/exchange_machine.h"

namespace moesim {

/// The serving run's ExchangeMachine: the expert-parallel ranks' ports on the machine, and the
/// layout's data-parallel all-gather and reduce-scatter.
class ServingExchangeMachine final : public ExchangeMachine {
 public:
  /// Both must outlive this object.
  ServingExchangeMachine(const EpFabric& fabric, LayoutCollectives& collectives)
      : fabric_(&fabric), collectives_(&collectives) {}
  const EpFabric& fabric() const override { return *fabric_; }
  double all_gather_us(double bytes) override { return collectives_->expert_all_gather_us(bytes); }
  double reduce_scatter_us(double bytes) override {
    return collectives_->expert_reduce_scatter_us(bytes);
  }

 private:
  const EpFabric* fabric_;
  LayoutCollectives* collectives_;
};

}  // namespace moesim
