#include "models/strategies/placement/round_robin.h"

#include <stdexcept>

namespace moesim {

ExpertPlacement RoundRobinPlacement::place(const PlacementContext& context) const {
  const uint32_t experts = context.experts, ranks = context.ranks;
  if (experts == 0 || ranks == 0) throw std::invalid_argument("placement needs experts and ranks");
  ExpertPlacement p;
  p.ranks = ranks;
  p.ranks_of_expert.resize(experts);
  for (uint32_t e = 0; e < experts; ++e) p.ranks_of_expert[e] = {e % ranks};
  return p;
}

PlacementFamily::Entry RoundRobinPlacement::entry() {
  return {{"round_robin", "expert e on rank e mod ranks", {}, nullptr},
          [](const PlacementContext&, const Params&) {
            return std::make_unique<RoundRobinPlacement>();
          }};
}

}  // namespace moesim
