#pragma once
/// Expected distinct ranks a token's choices reach under a placement: the dispatch copies per
/// token, which speculative expert grouping (s-EG, arXiv 2503.04398) lowers by putting experts
/// that share tokens on one rank.

#include <vector>

#include "models/strategies/placement/placement.h"

namespace moesim {

/// Sum over ranks of P(a token sends to the rank), from a co-activation matrix over `tokens`
/// sampled tokens (flattened E x E, entry i * E + j: tokens that chose both i and j; diagonal:
/// tokens that chose i; see PlacementContext::coactivation). Per rank, second-order
/// inclusion-exclusion: sum of the singles minus the sum of the pairs held there, clamped to
/// [largest single, min(1, sum of singles)] (the bounds P itself obeys). An expert with c
/// replicas sends 1/c of its tokens to each, chosen independently for the pairs. Throws
/// std::invalid_argument unless the matrix is E x E for the placement's E and tokens > 0.
double expected_ranks_touched(const ExpertPlacement& placement,
                              const std::vector<double>& coactivation, double tokens);

}  // namespace moesim
