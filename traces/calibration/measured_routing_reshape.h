#pragma once
/// Applies one model's measured routing statistics to another model shape (the calibrated
/// generator's `like:`). An assumption, not a measurement: it is for models without a routing
/// trace (Qwen3-30B-A3B: 128 experts, top-8, shaped like OLMoE-1B-7B's 64 experts, top-8).
///
/// Rule: the target's expert count must be a whole multiple m of the measured one. Measured
/// expert i becomes the m experts i*m .. i*m+m-1 (adjacent, so a contiguous placement keeps the
/// measured per-rank loads), each with 1/m of its load; a transition count from i to j is
/// spread evenly over the m x m pairs of their copies, so every copy of i keeps i's row. The
/// target's top_k replaces the measured one; layers, domain and anchor layers are unchanged.

#include <cstdint>

#include "traces/calibration/measured_routing.h"

namespace moesim {

/// Throws std::invalid_argument unless num_experts is a positive multiple of the measured
/// count and 0 < top_k <= num_experts.
MeasuredRouting reshape_measured_routing(const MeasuredRouting& measured, uint32_t num_experts,
                                         uint32_t top_k);

}  // namespace moesim
