#pragma once
/// `moesim validate --suite kernels`: MoE block times from profiled tables, checked on
/// measured points the tables were not built from.
///
/// Fit/check split (stated once, here): in each measured curve (one activated-expert level of
/// the RTX PRO 6000 table; one model shape and dtype of the H100 fused-MoE table, balanced
/// routing), points are sorted by tokens and the first, the last and every other point are fit
/// points; the points between them are check points, predicted by interpolating the fit
/// points. In the RTX PRO 6000 table the whole 32-expert level is also held out and predicted
/// between the 16- and 64-expert levels, which checks the dependence on activated experts.
///
/// Routing skew: the per-expert cost of one EP rank is fitted on balanced rows only and checked
/// on power-law rows; the rule is in cli/validation/routing_skew_check.h.

#include <filesystem>
#include <string>
#include <vector>

#include "cli/validation/validation_report.h"

namespace moesim {

struct KernelsSuiteReport {
  std::vector<ValidationRow> rows;  ///< check points only
  std::string summary;              ///< median and P90 per table
  bool goals_met = false;           ///< median |rel_error| <= 10% on each table
  /// Routing skew (routing_skew_check.h): power_law_1.2 / balanced at EP8 rank 0 within 20% at
  /// 4,096 and 16,384 tokens. Not part of goals_met.
  bool skew_goal_met = false;
};

/// Reads the tables in `profiles_dir` (models/profiles). Throws ConfigError for bad tables.
KernelsSuiteReport run_kernels_suite(const std::filesystem::path& profiles_dir);

}  // namespace moesim
