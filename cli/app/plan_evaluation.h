#pragma once
/// One candidate of `moesim plan` taken as far as it needs to go: loaded (or it does not fit),
/// read against its hardware bounds (or pruned), else simulated and checked against the SLOs.

#include <string>
#include <string_view>
#include <vector>

#include "cli/app/plan_candidate.h"
#include "cli/app/plan_spec.h"
#include "cli/app/scenario_overrides.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

enum class PlanOutcome {
  kDidNotFit,         ///< the loader or the memory plan refused the deployment
  kPrunedThroughput,  ///< its throughput bound is below the offered output rate
  kPrunedTpot,        ///< its decode step bound at batch 1 is above the TPOT SLO
  kSimulated,
};

/// "did not fit", "pruned: throughput bound", "pruned: TPOT bound", "simulated".
std::string_view to_string(PlanOutcome outcome);

struct PlanResult {
  PlanCandidate candidate;
  PlanOutcome outcome = PlanOutcome::kDidNotFit;
  /// Why it did not fit (the loader's or the memory plan's message), or the first service
  /// level a simulated candidate missed; "" otherwise.
  std::string reason;
  /// The most output tokens/s any schedule gets (every resource but the arrivals), tokens/s.
  double bound_tokens_per_s = 0;
  /// Output tokens the requests ask for per second of arrivals; 0 for a closed loop.
  double offered_tokens_per_s = 0;
  double tpot_bound_s = 0;  ///< the least time of a decode step of one sequence, seconds
  // Simulated candidates only:
  double tokens_per_s = 0;  ///< output tokens/s over the run
  double ttft_p90_s = 0, tpot_p90_s = 0, tpot_mean_s = 0;
  double goodput_fraction = 0;  ///< share of requests within plan.slo.goodput's limits
  bool meets_slo = false;

  double usd_per_hour = 0;  ///< cost: gpu_hour: GPUs x price per GPU-hour; 0 for cost: gpus

  double tokens_per_s_per_gpu() const { return tokens_per_s / candidate.gpus; }
  /// US dollars per million output tokens at the simulated rate; 0 when unpriced or idle.
  double usd_per_million_tokens() const {
    return usd_per_hour > 0 && tokens_per_s > 0 ? usd_per_hour / (tokens_per_s * 3600) * 1e6 : 0;
  }
  /// What one user sees: 1 / mean TPOT, tokens/s; 0 when no request decoded.
  double tokens_per_s_per_user() const { return tpot_mean_s > 0 ? 1.0 / tpot_mean_s : 0.0; }
};

/// Loads `scenario` with `base` (the user's --set) and the candidate's overrides, builds its
/// ServingRun, prunes it by the bounds, else runs it. A ConfigError of the loader or the
/// memory plan is the outcome kDidNotFit (each candidate is expected to be able to fail).
PlanResult evaluate_candidate(const std::string& scenario,
                              const std::vector<ScenarioOverride>& base,
                              const PlanCandidate& candidate, const PlanSpec& spec,
                              const StrategyCatalog& catalog);

}  // namespace moesim
