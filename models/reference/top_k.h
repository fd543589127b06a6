#pragma once
/// Deterministic top-k selection, the building block of every router.

#include <cstdint>
#include <span>
#include <vector>

namespace moesim::kernels {

/// Writes to `out` the k entries of `candidates` whose `values[candidate]` are largest, in
/// descending order of value; equal values are ordered by lower index first, so the result
/// never depends on the sort algorithm. Every value must be a number (not NaN).
/// Throws std::invalid_argument if k > candidates.size().
void top_k_of(std::span<const float> values, std::span<const uint32_t> candidates, uint32_t k,
              std::vector<uint32_t>& out);

/// Top-k over all indices of `values` (candidates 0 .. values.size() - 1).
std::vector<uint32_t> top_k(std::span<const float> values, uint32_t k);

}  // namespace moesim::kernels
