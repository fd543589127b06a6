// The placements built into moesim: one line each.
#include "models/strategies/placement/contiguous.h"
#include "models/strategies/placement/eplb.h"
#include "models/strategies/placement/load_balanced.h"
#include "models/strategies/placement/round_robin.h"
#include "models/strategies/placement/speculative_grouping.h"

namespace moesim {

void add_builtin_placements(PlacementFamily& family) {
  family.add(ContiguousPlacement::entry());
  family.add(RoundRobinPlacement::entry());
  family.add(LoadBalancedPlacement::entry());
  family.add(EplbPlacement::entry());
  family.add(SpeculativeGroupingPlacement::entry());
}

}  // namespace moesim
