#include "cli/app/plan_evaluation.h"

#include <algorithm>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "cli/app/scenario_loader.h"
#include "cli/app/serving_bound.h"
#include "cli/app/serving_run.h"
#include "models/engine/serving/serving_metrics.h"
#include "sim/config_error.h"

namespace moesim {

std::string_view to_string(PlanOutcome outcome) {
  switch (outcome) {
    case PlanOutcome::kDidNotFit:
      return "did not fit";
    case PlanOutcome::kPrunedThroughput:
      return "pruned: throughput bound";
    case PlanOutcome::kPrunedTpot:
      return "pruned: TPOT bound";
    case PlanOutcome::kSimulated:
      return "simulated";
  }
  return "?";
}

PlanResult evaluate_candidate(const std::string& scenario,
                              const std::vector<ScenarioOverride>& base,
                              const PlanCandidate& candidate, const PlanSpec& spec,
                              const StrategyCatalog& catalog) {
  PlanResult result;
  result.candidate = candidate;
  result.usd_per_hour = candidate.gpus * spec.usd_per_gpu_hour;
  std::vector<ScenarioOverride> overrides = base;
  for (ScenarioOverride& o : candidate.overrides()) overrides.push_back(std::move(o));

  std::unique_ptr<ServingRun> run;
  try {
    const ScenarioConfig config = load_scenario(scenario, catalog, overrides);
    if (!config.serving) throw ConfigError(scenario + ": plan: the scenario is not a serving one");
    run = std::make_unique<ServingRun>(config, catalog);
  } catch (const ConfigError& e) {
    result.reason = e.what();
    return result;
  }

  // The throughput bound without the arrivals' limit, which is the offered rate itself.
  const ServingBound bound = run_bound(*run, false).throughput;
  double most = std::numeric_limits<double>::infinity();
  for (size_t r = 0; r < kResourceCount; ++r) {
    if (r != static_cast<size_t>(Resource::kArrivals)) most = std::min(most, bound.tokens_per_s[r]);
  }
  result.bound_tokens_per_s = most;
  const RequestMix mix = request_mix(*run);
  if (mix.arrival_span_s > 0) {
    result.offered_tokens_per_s =
        static_cast<double>(mix.requests) * mix.output_tokens / mix.arrival_span_s;
  }
  BatchShape one;
  one.decode_tokens = 1;
  // No context: the least any decode step reads, so that every request's TPOT is above it.
  one.decode_context = 0;
  result.tpot_bound_s = step_lower_bound(serving_deployment(*run), one).bound();

  if (result.offered_tokens_per_s > 0 && most < result.offered_tokens_per_s) {
    result.outcome = PlanOutcome::kPrunedThroughput;
    return result;
  }
  if (spec.slo.min_output_tokens_per_s > 0 && most < spec.slo.min_output_tokens_per_s) {
    result.outcome = PlanOutcome::kPrunedThroughput;
    result.reason =
        fmt::format("bound {:.1f} < target {:g} tok/s", most, spec.slo.min_output_tokens_per_s);
    return result;
  }
  // No token decodes faster than one sequence's step, so no TPOT statistic beats it either.
  if (result.tpot_bound_s > spec.slo.tightest_tpot_s()) {
    result.outcome = PlanOutcome::kPrunedTpot;
    return result;
  }

  run->run();
  result.outcome = PlanOutcome::kSimulated;
  const ServingSimulation& sim = run->simulation();
  const ServingSummary summary =
      summarise(sim.requests(), sim.totals().iterations(), sim.preemptions());
  result.tokens_per_s = summary.output_tokens_per_s;
  result.ttft_p90_s = summary.ttft_s.p90;
  result.tpot_p90_s = summary.tpot_s.p90;
  result.tpot_mean_s = summary.tpot_s.mean;
  if (spec.slo.goodput) {
    result.goodput_fraction = spec.slo.goodput->attained(request_metrics(sim.requests()));
  }
  result.reason = spec.slo.missed(summary, result.goodput_fraction);
  result.meets_slo = result.reason.empty();
  return result;
}

}  // namespace moesim
