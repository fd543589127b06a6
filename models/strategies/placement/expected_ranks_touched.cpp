#include "models/strategies/placement/expected_ranks_touched.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

double expected_ranks_touched(const ExpertPlacement& placement,
                              const std::vector<double>& coactivation, double tokens) {
  const size_t experts = placement.ranks_of_expert.size();
  if (coactivation.size() != experts * experts) {
    throw std::invalid_argument(
        fmt::format("expected ranks touched: a co-activation matrix of {} entries for {} experts "
                    "(expected {} x {})",
                    coactivation.size(), experts, experts, experts));
  }
  if (!(tokens > 0)) throw std::invalid_argument("expected ranks touched: tokens must be > 0");
  double total = 0.0;
  for (uint32_t rank = 0; rank < placement.ranks; ++rank) {
    const std::vector<uint32_t> held = placement.experts_on(rank);
    double singles = 0.0, pairs = 0.0, largest = 0.0;
    for (size_t a = 0; a < held.size(); ++a) {
      const size_t i = held[a];
      const double share_i = 1.0 / static_cast<double>(placement.ranks_of_expert[i].size());
      const double p = coactivation[i * experts + i] * share_i / tokens;
      singles += p;
      largest = std::max(largest, p);
      for (size_t b = a + 1; b < held.size(); ++b) {
        const size_t j = held[b];
        const double share_j = 1.0 / static_cast<double>(placement.ranks_of_expert[j].size());
        pairs += coactivation[i * experts + j] * share_i * share_j / tokens;
      }
    }
    total += std::clamp(singles - pairs, largest, std::max(largest, std::min(1.0, singles)));
  }
  return total;
}

}  // namespace moesim
