#pragma once
/// The skewed routing that NVIDIA aiconfigurator's MoE collectors time as `power_law_<alpha>`,
/// reimplemented from its description in collector/helper.py (`sample_power_law`,
/// `_generate_power_law_distribution`, `_assign_experts_from_counts`) of
/// github.com/ai-dynamo/aiconfigurator at commit 006afd781a072c87c5fc282418a57a68d01d2e0e
/// (Apache-2.0; no code copied). The measured rows are the tables of commit 095f58a5.
///
/// One draw, for T tokens choosing k of E experts split into `ep` blocks of E/ep:
///  1. per expert x = ((xmax^(1-a) - xmin^(1-a)) u + xmin^(1-a))^(1/(1-a)), u uniform in [0,1),
///     with (xmin, xmax) = (1, 0.8 T) when T k > E, else (0.01, 2);
///  2. counts = round(x / sum(x) x T k) (half to even), each clamped to T (a token picks an
///     expert at most once); the clamped overflow, then the rounding difference, is added
///     (removed) one pair at a time, rank block after rank block, on the block's least (most)
///     loaded expert below T (above 0);
///  3. the block with the most pairs is swapped with block 0 (the measured rank);
///  4. tokens get experts column by column: experts sorted by count (descending, ties by index)
///     fill choice 0 of tokens 0..T-1, then choice 1, ... so no token repeats an expert.
/// Upstream draws in float32 with torch.rand; here doubles from a named RngStream.

#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace moesim {

class PowerLawExpertCounts {
 public:
  /// Throws ConfigError for alpha <= 0 or 1, k > E, or E not a multiple of ep.
  PowerLawExpertCounts(double alpha, uint32_t experts, uint32_t top_k, uint32_t ep);

  /// Pair count per expert (step 1-3); sums to tokens x k, each at most `tokens`.
  std::vector<uint64_t> draw_counts(RngStream& rng, uint64_t tokens) const;

  /// Step 4: the chosen experts, token-major (tokens x k). Precondition: counts from draw_counts.
  std::vector<uint32_t> assign_tokens(const std::vector<uint64_t>& counts, uint64_t tokens) const;

 private:
  /// Adds (step +1) or removes (-1) `remaining` pairs, rank block after rank block.
  void adjust_round_robin(std::vector<uint64_t>& counts, uint64_t remaining, int step,
                          uint64_t upper) const;

  double alpha_;
  uint32_t experts_, top_k_, ep_;
};

}  // namespace moesim
