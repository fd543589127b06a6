#pragma once
/// Target 4 of ../shared/data/README.md: routing skew changes the MoE time of one rank.
/// aiconfigurator timed one H100 as rank 0 of DeepSeek-V3 (7168 x 2048, top-8 of 256 experts,
/// fp8_block, vLLM 0.24.0 FlashInfer CUTLASS experts) at EP 2 to 256, with balanced and
/// power-law routing. The check rebuilds rank 0's per-expert load from each routing
/// (collector_balanced_choices or PowerLawExpertCounts, then GroupedTopKRouter) and times it
/// with an ExpertLoadCost.
///
/// Fit rows: every balanced row of the table (EP 2 to 256, all token counts). Check rows: the
/// EP8 power_law_1.01 and power_law_1.2 rows (time of rank 0), and the ratio power-law /
/// balanced at EP8 for 1,024, 4,096 and 16,384 tokens. The goal (roadmap) is the ratio for
/// power_law_1.2 at 4,096 and 16,384 tokens within 20%. Each power-law time is the mean over
/// kDraws draws, each draw from its own named RngStream.

#include <filesystem>
#include <string>
#include <vector>

#include "cli/validation/grouped_top_k_router.h"
#include "cli/validation/validation_report.h"

namespace moesim {

struct RoutingSkewResult {
  std::vector<ValidationRow> rows;  ///< EP8 power-law times and power-law / balanced ratios
  double fit_block_us = 0, fit_per_expert_us = 0, fit_per_pair_us = 0;
  double fit_median_abs = 0;               ///< median |rel_error| of the fit on the balanced rows
  double ratio_4096 = 0, ratio_16384 = 0;  ///< simulated, power_law_1.2 at EP8
  double measured_ratio_4096 = 0, measured_ratio_16384 = 0;
  bool goal_met = false;  ///< both power_law_1.2 ratios within 20%
};

/// Reads `table` (models/profiles/h100_vllm_0.24.0_fused_moe_deepseek_v3_fp8_block_tp1_ep.csv).
/// `groups` = 1 and `top_groups` = 1 is plain top-k. Throws ConfigError for a bad table.
RoutingSkewResult check_routing_skew(const std::filesystem::path& table, uint32_t groups,
                                     uint32_t top_groups, GroupScore score);

}  // namespace moesim
