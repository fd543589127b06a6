#include "models/strategies/placement/load_balanced.h"

#include <stdexcept>

#include "models/strategies/placement/balanced_packing.h"

namespace moesim {

ExpertPlacement LoadBalancedPlacement::place(const PlacementContext& c) const {
  if (c.experts == 0 || c.ranks == 0)
    throw std::invalid_argument("placement needs experts and ranks");
  std::vector<double> load = c.expert_load;
  if (load.size() != c.experts) load.assign(c.experts, 1.0);
  const uint32_t per_rank = (c.experts + c.ranks - 1) / c.ranks;
  const auto rank_of = balanced_packing(load, std::vector<uint32_t>(c.ranks, per_rank));
  ExpertPlacement p;
  p.ranks = c.ranks;
  p.ranks_of_expert.resize(c.experts);
  for (uint32_t e = 0; e < c.experts; ++e) p.ranks_of_expert[e] = {rank_of[e]};
  return p;
}

PlacementFamily::Entry LoadBalancedPlacement::entry() {
  return {{"load_balanced",
           "each expert once, packed onto ranks by expected load (greedy, heaviest first)",
           {},
           nullptr},
          [](const PlacementContext&, const Params&) {
            return std::make_unique<LoadBalancedPlacement>();
          }};
}

}  // namespace moesim
