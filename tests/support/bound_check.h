#pragma once
/// The property every run keeps: it does no better than its hardware limit (metrics.json's
/// `bound` block, cli/app/serving_bound.h and layer_bound.h).

#include <filesystem>

namespace moesim::test {

/// CHECKs that the run whose metrics.json is `metrics` reached at most 100% of its bound
/// (throughput for a serving run, step time for both kinds), and that it has a bound block.
void check_within_bound(const std::filesystem::path& metrics);

}  // namespace moesim::test
