#pragma once
/// `moesim validate --suite serving`: the committed scenario
/// scenarios/validation/vllm_qwen3_30b_a3b_dp2ep2.yaml replays the measured vLLM run (target 1
/// of ../shared/data/README.md) and its latencies and engine time series are compared with the
/// measured ones shipped next to it (scenarios/validation/measured/...).
///
/// Nothing is fitted on this run: the simulation uses the layer profile of the same GPU, the
/// NCCL constants of the machine (fitted on nccl-tests rows), and the scenario's stated
/// framework overhead. Goals (roadmap step 5): TPOT mean and median within 3%, TTFT mean within
/// 10%, TTFT median within 15%, TPOT P99 within 5%. The other rows (TTFT P99, latency, time
/// series) are reported against a 20% reference line without a goal.

#include <filesystem>
#include <string>
#include <vector>

#include "cli/app/serving_run.h"
#include "cli/validation/validation_report.h"

namespace moesim {

struct ServingSuiteReport {
  std::vector<ValidationRow> rows;
  std::string summary;
  bool goals_met = false;
};

/// `run` must have run. `measured_dir` holds requests.csv and timeseries.csv of the real run.
ServingSuiteReport compare_serving_run(const ServingRun& run,
                                       const std::filesystem::path& measured_dir);

/// The replay of `config` again with `overhead_us` per iteration instead of its stated
/// framework overhead, summarised against the measured run in a few lines for the suite's
/// summary (no goal): how much of the agreement the stated overhead carries. `why` names the
/// alternative value's source.
std::string overhead_sensitivity(ScenarioConfig config, const StrategyCatalog& catalog,
                                 double overhead_us, const std::string& why,
                                 const std::filesystem::path& measured_dir);

}  // namespace moesim
