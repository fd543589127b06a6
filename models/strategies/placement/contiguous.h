#pragma once
/// Contiguous placement: rank r holds the r-th block of consecutive experts, as vLLM and
/// SGLang lay out experts under expert parallelism. Block sizes differ by at most one.

#include "models/strategies/placement/placement.h"

namespace moesim {

class ContiguousPlacement final : public PlacementStrategy {
 public:
  ExpertPlacement place(const PlacementContext& context) const override;

  static PlacementFamily::Entry entry();
};

}  // namespace moesim
