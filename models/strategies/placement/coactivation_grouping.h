#pragma once
/// The co-clustering behind speculative expert grouping (s-EG, arXiv 2503.04398 section on
/// expert grouping; shared/reference/strategies.md 4.6): experts into equal-size groups so that
/// the experts a token chooses together share a group, with the groups' loads balanced. The
/// paper solves its integer program approximately; this is our own heuristic of that shape:
///   objective J = (1 - balance) * P / kappa - balance * sum_g (L_g - n_g * mean)^2 / (2 * mean)
/// with P the co-activations inside groups (token pairs), kappa the mean number of other
/// experts per choice (so P / kappa is in tokens), L_g and n_g a group's load (tokens) and
/// experts, mean the mean expert load;
///   1. greedy: experts heaviest first, each into the group (not full) of best marginal J: its
///      affinity to the experts already there against the group's load above its fair share;
///   2. up to `swap_passes` passes over expert pairs in different groups, swapping a pair
///      whenever that raises J (stops early after a pass without a swap).
/// Deterministic: ties go to the lighter group, then the lower index.

#include <cstdint>
#include <vector>

namespace moesim {

/// group_of[e] for each expert. `coactivation`: flattened E x E token counts (diagonal: the
/// expert's load; see PlacementContext::coactivation). `balance` in [0, 1]: 0 groups by
/// co-activation alone, 1 balances load alone. Throws std::invalid_argument unless the matrix
/// is E x E and `groups` divides E.
std::vector<uint32_t> group_by_coactivation(const std::vector<double>& coactivation,
                                            uint32_t experts, uint32_t groups, uint32_t swap_passes,
                                            double balance);

}  // namespace moesim
