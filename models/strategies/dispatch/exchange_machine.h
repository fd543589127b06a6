#pragma once
/// The machine a dispatch strategy times its exchange on (models/strategies/dispatch/
/// dispatch_strategy.h).

#include "models/comm/ep_fabric.h"

namespace moesim {

/// What a dispatch strategy times on: the ranks' ports, and the layout's all-gather and
/// reduce-scatter (the collectives every data-parallel group runs on its own GPUs).
class ExchangeMachine {
 public:
  virtual ~ExchangeMachine() = default;
  virtual const EpFabric& fabric() const = 0;
  /// Microseconds of the all-gather of `bytes` (every rank's tokens, nccl-tests size) among the
  /// data-parallel ranks, every group at once.
  virtual double all_gather_us(double bytes) = 0;
  /// Microseconds of the reduce-scatter of `bytes` among the data-parallel ranks.
  virtual double reduce_scatter_us(double bytes) = 0;
};

}  // namespace moesim
