#pragma once
/// Straggler bound under expert parallelism (Capacity-Aware Inference, §4.4): an MoE layer
/// finishes when its busiest rank does, so its time follows max_r load_r rather than the mean;
/// the imbalance max / mean says how much slower than a balanced layer it runs. With replicas
/// (EPLB, shadowing) rank r's load is sum over the replicas it holds of n_e / c_e, c_e being
/// expert e's replica count.

#include <cstdint>
#include <span>
#include <vector>

namespace moesim {

struct StragglerBound {
  double max_load = 0;        ///< tokens (or any load unit) of the busiest rank
  double mean_load = 0;       ///< mean over ranks, same unit
  double imbalance = 1;       ///< max_load / mean_load; 1 when every load is 0
  uint32_t busiest_rank = 0;  ///< lowest index among the busiest
};

/// Throws std::invalid_argument for no ranks or a negative or non-finite load.
StragglerBound straggler_bound(std::span<const double> rank_loads);

/// Load of each of `ranks` ranks: sum over replicas on r of n_e / c_e, where c_e is the length
/// of replicas_of_expert[e] (a rank listed twice holds two replicas). Throws
/// std::invalid_argument for zero ranks, mismatched sizes, an expert without replicas, a rank
/// index >= ranks, or a negative or non-finite token count.
std::vector<double> replicated_rank_loads(
    std::span<const double> expert_tokens,
    const std::vector<std::vector<uint32_t>>& replicas_of_expert, uint32_t ranks);

}  // namespace moesim
