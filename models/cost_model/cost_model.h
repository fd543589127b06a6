#pragma once
/// Cost models: how long an operator's work takes on a device.

#include "models/operator_costs.h"
#include "sim/time.h"
#include "topologies/hardware_specs.h"

namespace moesim {

class CostModel {
 public:
  virtual ~CostModel() = default;
  /// Duration of `work` on `gpu`.
  virtual Time op_time(const OpCost& work, const GpuSpec& gpu) const = 0;
};

}  // namespace moesim
