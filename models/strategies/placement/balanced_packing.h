#pragma once
/// Balanced packing (deepseek-ai/EPLB eplb.py, shared/reference/strategies.md 4.1): weighted
/// items into packs of fixed capacity, heaviest item first into the lightest pack that still
/// has room (greedy LPT with a cardinality cap). Deterministic: ties go to the lower index.

#include <cstdint>
#include <vector>

namespace moesim {

/// pack_of[i] for each item. `capacity[p]` items fit in pack p; their sum must be at least the
/// number of items. `group`, when given, keeps items of one group (replicas of one expert) in
/// distinct packs: an item whose group fills every pack with room swaps with an item of a full
/// pack that may move. Throws std::invalid_argument if the capacities are too small.
std::vector<uint32_t> balanced_packing(const std::vector<double>& weights,
                                       const std::vector<uint32_t>& capacity,
                                       const std::vector<uint32_t>& group = {});

}  // namespace moesim
