#pragma once
/// `moesim validate --suite silicon` and `moesim calibrate --suite silicon`: every
/// aggregated-mode row of an MoE model in the measured H100 serving table (silicon_rows.h) is
/// simulated with the operator-database cost model of the row's backend, its layout (tp,
/// attention_dp, moe_tp, moe_ep), a closed loop of its client concurrency and its input and
/// output lengths, from the base scenario scenarios/validation/silicon_h100.yaml with one
/// `--set` per field (the summary prints each row's command).
///
/// The framework overhead of each backend (topologies/measured/operators/h100_sxm/tables.yaml)
/// is fitted on the fit rows only (concurrency 8 and 64, kSiliconFitConcurrencies) by
/// `calibrate`; `validate` judges its goals on the other rows (check rows), per model and
/// backend with at least 10 check rows: median |error| at most 10% on TPOT and 20% on TTFT, P90
/// |error| at most 25% on TPOT.

#include <filesystem>
#include <string>
#include <vector>

#include "cli/app/scenario_overrides.h"
#include "cli/validation/silicon_rows.h"
#include "cli/validation/validation_report.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

/// Requests of a row's closed loop per client. The clients join one per first token (the base
/// scenario's ramp) and the requests sent while they join are a warm-up, not counted.
inline constexpr uint32_t kSiliconRequestsPerClient = 5;

/// The overrides that turn the base scenario into `row`'s deployment.
std::vector<ScenarioOverride> silicon_overrides(const SiliconRow& row);

struct SiliconSimulated {
  double ttft_ms = 0, tpot_ms = 0;  ///< means over requests
};

/// Simulates every row (threads up to the hardware's), in row order. `extra` overrides apply
/// after the row's (the fit passes `framework_overhead: none`).
std::vector<SiliconSimulated> simulate_silicon_rows(const std::filesystem::path& base,
                                                    const std::vector<SiliconRow>& rows,
                                                    const StrategyCatalog& catalog,
                                                    const std::vector<ScenarioOverride>& extra);

struct SiliconSuiteReport {
  std::vector<ValidationRow> rows;
  std::vector<ValidationGoal> goals;
  std::string summary;
  size_t report_only_rows = 0;
  bool goals_met = false;
};

SiliconSuiteReport run_silicon_suite(const std::filesystem::path& base,
                                     const std::filesystem::path& table,
                                     const StrategyCatalog& catalog);

/// The fitted framework overhead of each backend with fit rows, as tables.yaml lines.
std::string silicon_calibration_text(const std::filesystem::path& base,
                                     const std::filesystem::path& table,
                                     const StrategyCatalog& catalog);

/// Hugging Face id -> card name of every catalogue card with an id.
std::vector<std::pair<std::string, std::string>> catalogue_hf_ids();

}  // namespace moesim
