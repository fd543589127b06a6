#include "models/placement/round_robin.h"

#include <stdexcept>

namespace moesim {

ExpertPlacement RoundRobinPlacement::place(uint32_t experts, uint32_t ranks) const {
  if (experts == 0 || ranks == 0) throw std::invalid_argument("placement needs experts and ranks");
  ExpertPlacement p;
  p.ranks = ranks;
  p.ranks_of_expert.resize(experts);
  for (uint32_t e = 0; e < experts; ++e) p.ranks_of_expert[e] = {e % ranks};
  return p;
}

}  // namespace moesim
