#include "models/strategies/placement/placement.h"

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

uint64_t ExpertPlacement::replicas() const {
  uint64_t n = 0;
  for (const auto& r : ranks_of_expert) n += r.size();
  return n;
}

void ExpertPlacement::check_covers(uint32_t expected_ranks, uint32_t experts) const {
  if (ranks != expected_ranks || ranks_of_expert.size() != experts) {
    throw std::invalid_argument(fmt::format(
        "expert placement over {} ranks and {} experts does not match expert_parallel {} and {} "
        "experts",
        ranks, ranks_of_expert.size(), expected_ranks, experts));
  }
  for (uint32_t e = 0; e < experts; ++e) {
    std::vector<uint32_t> r = ranks_of_expert[e];
    std::sort(r.begin(), r.end());
    if (r.empty() || r.back() >= ranks || std::adjacent_find(r.begin(), r.end()) != r.end()) {
      throw std::invalid_argument(fmt::format(
          "expert {} is on no rank, a rank outside [0, {}) or one rank twice", e, ranks));
    }
  }
}

}  // namespace moesim
