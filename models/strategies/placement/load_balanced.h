#pragma once
/// Static load-balanced placement: each expert once, packed onto ranks by its expected load
/// (balanced packing, ceil(E/R) experts per rank at most), so that every rank's expected
/// expert tokens are as even as whole experts allow. No replicas, no re-plans.

#include "models/strategies/placement/placement.h"

namespace moesim {

class LoadBalancedPlacement final : public PlacementStrategy {
 public:
  ExpertPlacement place(const PlacementContext& context) const override;

  /// The registry entry: name, help, parameters, factory.
  bool uses_load() const override { return true; }

  static PlacementFamily::Entry entry();
};

}  // namespace moesim
