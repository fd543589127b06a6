#pragma once
/// Round-robin placement: expert e lives on rank e mod R, spreading neighbouring expert ids.

#include "models/strategies/placement/placement.h"

namespace moesim {

class RoundRobinPlacement final : public PlacementStrategy {
 public:
  ExpertPlacement place(const PlacementContext& context) const override;

  static PlacementFamily::Entry entry();
};

}  // namespace moesim
