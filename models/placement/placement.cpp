#include "models/placement/placement.h"

#include <algorithm>

namespace moesim {

std::vector<uint32_t> ExpertPlacement::experts_on(uint32_t rank) const {
  std::vector<uint32_t> out;
  for (uint32_t e = 0; e < ranks_of_expert.size(); ++e) {
    const auto& r = ranks_of_expert[e];
    if (std::find(r.begin(), r.end(), rank) != r.end()) out.push_back(e);
  }
  return out;
}

}  // namespace moesim
