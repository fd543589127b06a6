#include "cli/validation/power_law_expert_counts.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "sim/config_error.h"

namespace moesim {

PowerLawExpertCounts::PowerLawExpertCounts(double alpha, uint32_t experts, uint32_t top_k,
                                           uint32_t ep)
    : alpha_(alpha), experts_(experts), top_k_(top_k), ep_(ep) {
  if (!(alpha > 0) || alpha == 1.0) {
    throw ConfigError(fmt::format("power-law alpha must be positive and not 1, got {}", alpha));
  }
  if (top_k == 0 || top_k > experts || ep == 0 || experts % ep != 0) {
    throw ConfigError(fmt::format(
        "power-law routing needs 0 < top_k <= experts and experts a multiple of ep, got "
        "top_k {}, experts {}, ep {}",
        top_k, experts, ep));
  }
}

void PowerLawExpertCounts::adjust_round_robin(std::vector<uint64_t>& counts, uint64_t remaining,
                                              int step, uint64_t upper) const {
  const uint32_t block = experts_ / ep_;
  while (remaining > 0) {
    bool progressed = false;
    for (uint32_t r = 0; r < ep_ && remaining > 0; ++r) {
      // Least loaded expert below `upper` when adding, most loaded above 0 when removing;
      // the first such expert of the block on ties.
      int64_t chosen = -1;
      for (uint32_t e = r * block; e < (r + 1) * block; ++e) {
        const bool valid = step > 0 ? counts[e] < upper : counts[e] > 0;
        if (!valid) continue;
        if (chosen < 0 || (step > 0 ? counts[e] < counts[chosen] : counts[e] > counts[chosen])) {
          chosen = e;
        }
      }
      if (chosen < 0) continue;
      counts[chosen] = step > 0 ? counts[chosen] + 1 : counts[chosen] - 1;
      --remaining;
      progressed = true;
    }
    if (!progressed) break;
  }
}

std::vector<uint64_t> PowerLawExpertCounts::draw_counts(RngStream& rng, uint64_t tokens) const {
  const uint64_t pairs = tokens * top_k_;
  const bool many = pairs > experts_;
  const double xmin = many ? 1.0 : 0.01, xmax = many ? 0.8 * static_cast<double>(tokens) : 2.0;
  const double e = 1.0 - alpha_;
  std::vector<double> x(experts_);
  for (double& v : x) {
    const double u = rng.uniform01();
    v = std::pow((std::pow(xmax, e) - std::pow(xmin, e)) * u + std::pow(xmin, e), 1.0 / e);
  }
  const double sum = std::accumulate(x.begin(), x.end(), 0.0);
  std::vector<uint64_t> counts(experts_);
  uint64_t overflow = 0;
  for (uint32_t i = 0; i < experts_; ++i) {
    const auto n = static_cast<uint64_t>(std::nearbyint(x[i] / sum * static_cast<double>(pairs)));
    overflow += n > tokens ? n - tokens : 0;
    counts[i] = std::min(n, tokens);
  }
  adjust_round_robin(counts, overflow, +1, tokens);
  const uint64_t total = std::accumulate(counts.begin(), counts.end(), uint64_t{0});
  if (total < pairs) adjust_round_robin(counts, pairs - total, +1, tokens);
  if (total > pairs) adjust_round_robin(counts, total - pairs, -1, tokens);

  const uint32_t block = experts_ / ep_;
  uint32_t busiest = 0;
  uint64_t busiest_pairs = 0;
  for (uint32_t r = 0; r < ep_; ++r) {
    const uint64_t s =
        std::accumulate(counts.begin() + r * block, counts.begin() + (r + 1) * block, uint64_t{0});
    if (s > busiest_pairs) {
      busiest_pairs = s;
      busiest = r;
    }
  }
  std::swap_ranges(counts.begin(), counts.begin() + block, counts.begin() + busiest * block);
  return counts;
}

std::vector<uint32_t> PowerLawExpertCounts::assign_tokens(const std::vector<uint64_t>& counts,
                                                          uint64_t tokens) const {
  std::vector<uint32_t> order(experts_);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return counts[a] > counts[b]; });
  std::vector<uint32_t> choices(tokens * top_k_);
  uint64_t slot = 0;  // position in the column-major fill: choice slot / T of token slot % T
  for (const uint32_t expert : order) {
    for (uint64_t n = 0; n < counts[expert]; ++n, ++slot) {
      choices[(slot % tokens) * top_k_ + slot / tokens] = expert;
    }
  }
  return choices;
}

}  // namespace moesim
