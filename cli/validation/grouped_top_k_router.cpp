#include "cli/validation/grouped_top_k_router.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {

GroupedTopKRouter::GroupedTopKRouter(uint32_t experts, uint32_t top_k, uint32_t groups,
                                     uint32_t top_groups, uint32_t ep, GroupScore score)
    : experts_(experts),
      top_k_(top_k),
      groups_(groups),
      top_groups_(top_groups),
      ep_(ep),
      score_(score) {
  if (groups == 0 || experts % groups != 0 || top_groups == 0 || top_groups > groups || ep == 0 ||
      experts % ep != 0 || top_k == 0 || top_k > experts) {
    throw ConfigError(fmt::format(
        "grouped top-k routing: need groups and ep dividing experts, 0 < top_groups <= groups, "
        "0 < top_k <= experts; got experts {}, top_k {}, groups {}, top_groups {}, ep {}",
        experts, top_k, groups, top_groups, ep));
  }
}

void GroupedTopKRouter::add_rank0_pairs(const std::vector<uint32_t>& choices,
                                        std::vector<uint64_t>& rank0_tokens_per_expert) const {
  const uint32_t group_size = experts_ / groups_, local = local_experts();
  rank0_tokens_per_expert.resize(local, 0);
  std::vector<uint32_t> high_in_group(groups_), group_order(groups_);
  std::vector<char> high(experts_, 0);
  for (size_t t = 0; t + top_k_ <= choices.size(); t += top_k_) {
    std::fill(high_in_group.begin(), high_in_group.end(), 0u);
    for (uint32_t j = 0; j < top_k_; ++j) {
      high[choices[t + j]] = 1;
      ++high_in_group[choices[t + j] / group_size];
    }
    // A group's rank: its best score (any chosen expert) or its two best (chosen experts, up to
    // two); equal ranks keep the lower group index.
    const auto group_rank = [&](uint32_t g) {
      return score_ == GroupScore::best_one ? std::min(high_in_group[g], 1u)
                                            : std::min(high_in_group[g], 2u);
    };
    std::iota(group_order.begin(), group_order.end(), 0u);
    std::stable_sort(group_order.begin(), group_order.end(),
                     [&](uint32_t a, uint32_t b) { return group_rank(a) > group_rank(b); });
    std::sort(group_order.begin(), group_order.begin() + top_groups_);
    uint32_t taken = 0;
    for (uint32_t i = 0; i < top_groups_; ++i) {
      taken += high_in_group[group_order[i]];
    }
    // Chosen experts in kept groups first, then the lowest-index others of the kept groups.
    for (uint32_t i = 0; i < top_groups_; ++i) {
      const uint32_t first = group_order[i] * group_size;
      for (uint32_t e = first; e < first + group_size; ++e) {
        const bool picked = high[e] || taken < top_k_;
        if (!picked) continue;
        if (!high[e]) ++taken;
        if (e < local) ++rank0_tokens_per_expert[e];
      }
    }
    for (uint32_t j = 0; j < top_k_; ++j) high[choices[t + j]] = 0;
  }
}

std::vector<uint32_t> collector_balanced_choices(uint64_t tokens, uint32_t experts,
                                                 uint32_t top_k) {
  const uint64_t stride = (experts + top_k - 1) / top_k;
  std::vector<uint32_t> choices(tokens * top_k);
  for (uint64_t i = 0; i < tokens; ++i) {
    for (uint32_t j = 0; j < top_k; ++j) {
      const double pick =
          tokens >= stride
              ? static_cast<double>(i + j * stride)
              : std::floor(static_cast<double>(i * stride) / static_cast<double>(tokens) +
                           static_cast<double>(j * stride));
      choices[i * top_k + j] = static_cast<uint32_t>(std::fmod(pick, experts));
    }
  }
  return choices;
}

}  // namespace moesim
