#include "models/cost_model/profiled_moe_table.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

void ProfiledMoeTable::add(double tokens, uint32_t activated_experts, double time_us) {
  if (!(tokens > 0.0) || activated_experts == 0 || !(time_us > 0.0)) {
    throw std::invalid_argument(
        fmt::format("profiled point ({} tokens, {} experts, {} us) must be "
                    "positive",
                    tokens, activated_experts, time_us));
  }
  if (!groups_[activated_experts].emplace(tokens, time_us).second) {
    throw std::invalid_argument(
        fmt::format("duplicate profiled point ({} tokens, {} experts)", tokens, activated_experts));
  }
  ++points_;
}

std::optional<double> ProfiledMoeTable::along_tokens(const std::map<double, double>& group,
                                                     double tokens) {
  const auto hi = group.lower_bound(tokens);
  if (hi == group.end()) return std::nullopt;
  if (hi->first == tokens) return hi->second;
  if (hi == group.begin()) return std::nullopt;
  const auto lo = std::prev(hi);
  const double f =
      (std::log(tokens) - std::log(lo->first)) / (std::log(hi->first) - std::log(lo->first));
  return lo->second + f * (hi->second - lo->second);
}

std::optional<double> ProfiledMoeTable::time_us(double tokens, double activated_experts) const {
  if (groups_.empty()) return std::nullopt;
  const auto hi = groups_.lower_bound(static_cast<uint32_t>(std::ceil(activated_experts)));
  if (hi == groups_.end()) return std::nullopt;
  if (static_cast<double>(hi->first) == activated_experts) return along_tokens(hi->second, tokens);
  if (hi == groups_.begin()) return std::nullopt;
  const auto lo = std::prev(hi);
  const auto t_lo = along_tokens(lo->second, tokens);
  const auto t_hi = along_tokens(hi->second, tokens);
  if (!t_lo || !t_hi) return std::nullopt;
  const double f = (activated_experts - lo->first) / static_cast<double>(hi->first - lo->first);
  return *t_lo + f * (*t_hi - *t_lo);
}

}  // namespace moesim
