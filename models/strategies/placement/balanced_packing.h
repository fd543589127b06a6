#pragma once
/// Balanced packing (deepseek-ai/EPLB eplb.py, shared/reference/strategies.md 4.1): weighted
/// items into packs of fixed capacity, heaviest item first into the lightest pack that still
/// has room (greedy LPT with a cardinality cap). Deterministic: ties go to the lower index.

#include <cstdint>
#include <functional>
#include <vector>

namespace moesim {

/// pack_of[i] for each item. `capacity[p]` items fit in pack p; their sum must be at least the
/// number of items. `allowed(item, pack)`, when given, excludes packs for an item (an expert
/// already on that GPU); if no pack with room is allowed the item goes to the lightest pack
/// with room. Throws std::invalid_argument if the capacities are too small.
std::vector<uint32_t> balanced_packing(
    const std::vector<double>& weights, const std::vector<uint32_t>& capacity,
    const std::function<bool(uint32_t item, uint32_t pack)>& allowed = nullptr);

}  // namespace moesim
