#pragma once
/// `moesim validate --suite serving`: the committed scenario
/// scenarios/validation/vllm_qwen3_30b_a3b_dp2ep2.yaml replays the measured vLLM run (target 1
/// of ../shared/data/README.md) and its latencies and engine time series are compared with the
/// measured ones shipped next to it (scenarios/validation/measured/...).
///
/// Nothing is fitted on this run: the simulation uses the layer profile of the same GPU, the
/// NCCL constants of the machine (fitted on nccl-tests rows), and the scenario's stated
/// framework overhead. Goals (roadmap step 5): TPOT mean and median within 3%, TTFT mean within
/// 10%, TTFT median within 15%, TPOT P99 within 5%, on the mean over `kServingSuiteSeeds`
/// routing seeds. The other rows (TTFT P99, latency, time
/// series) are reported against a 20% reference line without a goal.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/app/serving_run.h"
#include "cli/validation/validation_report.h"

namespace moesim {

/// Routing seeds the suite replays: the scenario's seed and the ones after it.
inline constexpr size_t kServingSuiteSeeds = 16;

struct ServingSuiteReport {
  std::vector<ValidationRow> rows;
  std::string summary;
  bool goals_met = false;
};

/// `config` replayed at `seeds` routing seeds (its seed and the ones after it), each replay an
/// independent simulation run on its own thread (up to the hardware's threads); the runs in
/// seed order, so the result does not depend on the thread count. A replay's exception is
/// rethrown.
std::vector<std::unique_ptr<ServingRun>> run_seeded_replays(const ScenarioConfig& config,
                                                            const StrategyCatalog& catalog,
                                                            size_t seeds);

/// Replays of the same scenario at different routing seeds, each already run, against the real
/// run in `measured_dir` (requests.csv and timeseries.csv). Each row's simulated value is the
/// mean over the replays and the goals are judged on it: the measured run is one sample, and
/// one seed's draw of the routing moves the TTFT mean by about a percent (docs/validation.md).
/// The summary gives each row's range of per-seed errors. Throws std::invalid_argument on none.
ServingSuiteReport compare_serving_runs(const std::vector<const ServingRun*>& runs,
                                        const std::filesystem::path& measured_dir);

/// The replay of `config` again with `overhead_us` per iteration instead of its stated
/// framework overhead, summarised against the measured run in a few lines for the suite's
/// summary (no goal): how much of the agreement the stated overhead carries. `why` names the
/// alternative value's source.
std::string overhead_sensitivity(ScenarioConfig config, const StrategyCatalog& catalog,
                                 double overhead_us, const std::string& why,
                                 const std::filesystem::path& measured_dir);

}  // namespace moesim
