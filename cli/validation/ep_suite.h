#pragma once
/// `moesim validate --suite ep`: the DeepEP kernel time model (models/comm/deepep_model.h)
/// against every check row of the measured DeepEP tables (cli/validation/deepep_tables.h has
/// the fit/check split), with the constants of topologies/catalogue/deepep.yaml.
///
/// Goals: median |rel_error| <= 15% over the check rows (dispatch and combine) of each table;
/// per GPU, the SM-budget knee of every check shape of the normal table at its largest token
/// count within one table step (4 SMs) of the measured knee, for both kernels; and target 4's
/// routing-skew ratio (cli/validation/routing_skew_check.h). The knee of a time-vs-SMs curve
/// is the smallest SM budget past which no larger budget is more than kKneeGain faster.
/// Report-only: DeepEP's published internode figures on H800 (no measured internode table here).

#include <filesystem>
#include <string>
#include <vector>

#include "cli/validation/validation_report.h"
#include "topologies/hardware_catalogue.h"

namespace moesim {

constexpr double kKneeGain = 0.05;

struct EpSuiteReport {
  std::vector<ValidationRow> rows;  ///< check rows, knee rows, skew rows, published rows
  std::string summary;
  std::vector<ValidationGoal> goals;
  bool goals_met = false;
  size_t report_only_rows = 0;  ///< published internode rows, target 4 power-law times
};

/// The knee of times measured at increasing SM budgets `sms` (see above).
uint32_t sm_budget_knee(const std::vector<uint32_t>& sms, const std::vector<double>& times_us);

/// `measured_dir`: topologies/measured (its deepep/ tables); `profiles_dir`: models/profiles
/// (target 4's table).
EpSuiteReport run_ep_suite(const std::filesystem::path& measured_dir,
                           const std::filesystem::path& catalogue_dir,
                           const HardwareCatalogue& catalogue,
                           const std::filesystem::path& profiles_dir);

/// `moesim calibrate --suite ep`: each kernel's constants fitted on its table's fit rows, as
/// deepep.yaml keys (device_sms and the links come from the shipped deepep.yaml).
std::string ep_calibration_text(const std::filesystem::path& measured_dir,
                                const std::filesystem::path& catalogue_dir,
                                const HardwareCatalogue& catalogue);

}  // namespace moesim
