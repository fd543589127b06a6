#include "models/bounds/straggler_bound.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace moesim {

StragglerBound straggler_bound(std::span<const double> rank_loads) {
  if (rank_loads.empty()) throw std::invalid_argument("straggler bound: no rank loads");
  StragglerBound out;
  double sum = 0;
  for (size_t r = 0; r < rank_loads.size(); ++r) {
    const double load = rank_loads[r];
    if (!std::isfinite(load) || load < 0)
      throw std::invalid_argument("straggler bound: rank loads must be finite and >= 0");
    sum += load;
    if (load > out.max_load) {
      out.max_load = load;
      out.busiest_rank = static_cast<uint32_t>(r);
    }
  }
  out.mean_load = sum / static_cast<double>(rank_loads.size());
  out.imbalance = out.mean_load > 0 ? out.max_load / out.mean_load : 1.0;
  return out;
}

std::vector<double> replicated_rank_loads(
    std::span<const double> expert_tokens,
    const std::vector<std::vector<uint32_t>>& replicas_of_expert, uint32_t ranks) {
  if (ranks == 0) throw std::invalid_argument("replicated rank loads: ranks must be > 0");
  if (expert_tokens.size() != replicas_of_expert.size())
    throw std::invalid_argument(
        "replicated rank loads: one replica list per expert token count is needed");
  std::vector<double> loads(ranks, 0.0);
  for (size_t e = 0; e < expert_tokens.size(); ++e) {
    const double tokens = expert_tokens[e];
    if (!std::isfinite(tokens) || tokens < 0)
      throw std::invalid_argument("replicated rank loads: expert tokens must be finite and >= 0");
    const std::vector<uint32_t>& replicas = replicas_of_expert[e];
    if (replicas.empty())
      throw std::invalid_argument("replicated rank loads: expert " + std::to_string(e) +
                                  " has no replica");
    const double share = tokens / static_cast<double>(replicas.size());
    for (uint32_t r : replicas) {
      if (r >= ranks)
        throw std::invalid_argument("replicated rank loads: expert " + std::to_string(e) +
                                    " names rank " + std::to_string(r) + " >= ranks");
      loads[r] += share;
    }
  }
  return loads;
}

}  // namespace moesim
