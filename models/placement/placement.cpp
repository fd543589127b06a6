#include "models/placement/placement.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

std::vector<uint32_t> ExpertPlacement::experts_on(uint32_t rank) const {
  std::vector<uint32_t> out;
  for (uint32_t e = 0; e < ranks_of_expert.size(); ++e) {
    const auto& r = ranks_of_expert[e];
    if (std::find(r.begin(), r.end(), rank) != r.end()) out.push_back(e);
  }
  return out;
}

std::vector<std::vector<uint32_t>> ExpertPlacement::served_by_first_replica(
    uint32_t expected_ranks, uint32_t experts) const {
  if (ranks != expected_ranks || ranks_of_expert.size() != experts) {
    throw std::invalid_argument(fmt::format(
        "expert placement over {} ranks and {} experts does not match expert_parallel {} and {} "
        "experts",
        ranks, ranks_of_expert.size(), expected_ranks, experts));
  }
  std::vector<std::vector<uint32_t>> served(ranks);
  for (uint32_t e = 0; e < experts; ++e) served[ranks_of_expert[e].front()].push_back(e);
  return served;
}

}  // namespace moesim
