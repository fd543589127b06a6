#pragma once
/// `moesim validate --suite cpu`: the CPU cost model against real runs. For SwiGLU experts of
/// two shapes (Qwen3-30B-A3B: H 2048, F 768; OLMoE: H 2048, F 1024) and batches of 1 to 512
/// tokens, the time predicted from a host profile (host_profile.h, measured at other GEMM
/// shapes) is compared with the reference kernel timed here (median of 5 runs). Timing on a
/// shared machine is noisy: the suite reports, it is not a CI gate.

#include <string>
#include <vector>

#include "cli/validation/validation_report.h"
#include "models/cost_model/host_profile.h"

namespace moesim {

struct CpuSuiteReport {
  std::vector<ValidationRow> rows;
  std::string summary;
  /// One goal: median |rel_error| <= 15% over every row (no row is report-only).
  std::vector<ValidationGoal> goals;
  bool goals_met = false;
};

CpuSuiteReport run_cpu_suite(const HostProfile& profile);

}  // namespace moesim
