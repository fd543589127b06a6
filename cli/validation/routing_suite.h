#pragma once
/// `moesim validate --suite routing`: the calibrated routing generator against the measured
/// routing statistics of Mixtral-8x7B and OLMoE-1B-7B on six text domains (target 8 of
/// ../shared/data/README.md; data in traces/calibration/olmoe_routing).
///
/// For each model and domain a trace of `requests` x `tokens_per_request` prefill tokens is
/// generated through every layer and measured with the trace metrics: max/mean expert load at
/// layers 0, 7 and 15; top-C coverage (Mixtral C = 4; OLMoE C = 16 and 32); top-1
/// predictability of layer j from layer i and its marginal-only baseline for (0, 7) and
/// (7, 15) (the data has no (0, 15) pair; the generated value is printed in the summary).
///
/// Fit/check split: the generator is built from these same aggregates (per-layer loads, fitted
/// by per-expert factors; the transition rows taken as measured), so the rows check that the
/// generator reproduces them after sampling k distinct experts and mixing, not that it
/// predicts unseen data. Coverage and predictability are not fitted: the fit only matches
/// loads, and predictability is measured on the generated r-th choices.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/validation/validation_report.h"

namespace moesim {

struct RoutingSuiteOptions {
  uint64_t seed = 1;
  uint32_t requests = 32;
  uint32_t tokens_per_request = 2048;  ///< the measurement's sequence length
  double threshold = 0.10;             ///< goal: every row within 10% relative
};

struct RoutingSuiteReport {
  std::vector<ValidationRow> rows;
  std::string summary;
  bool goals_met = false;  ///< every row within the threshold
};

/// Reads the statistics in `stats_dir`. Throws ConfigError for bad files.
RoutingSuiteReport run_routing_suite(const std::filesystem::path& stats_dir,
                                     const RoutingSuiteOptions& options = {});

}  // namespace moesim
