#pragma once
/// Round-robin placement: expert e lives on rank e mod R, spreading neighbouring expert ids.

#include "models/placement/placement.h"

namespace moesim {

class RoundRobinPlacement final : public PlacementStrategy {
 public:
  ExpertPlacement place(uint32_t experts, uint32_t ranks) const override;
};

}  // namespace moesim
