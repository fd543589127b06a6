// `moesim plan SCENARIO`: the capacity-planning search of a scenario's `plan:` block
// (docs/planning.md): candidates enumerated, pruned by the hardware bounds, the rest simulated,
// ranked by cost, and the Pareto frontier of throughput per GPU against speed per user.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>

#include <fmt/format.h>

#include "cli/app/gnuplot_runner.h"
#include "cli/app/parallel_jobs.h"
#include "cli/app/plan_candidate.h"
#include "cli/app/plan_evaluation.h"
#include "cli/app/plan_report.h"
#include "cli/app/plan_spec.h"
#include "cli/app/scenario_loader.h"
#include "cli/commands.h"
#include "cli/output_directory.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

/// How many of the cheapest deployments meeting the SLOs are printed.
constexpr size_t kCheapestShown = 5;

/// "2 nodes TP8 PP1 DP2 max_num_seqs 64: simulated: 968.2 tok/s, ...", for stderr.
std::string progress_line(const PlanResult& r) {
  std::string detail;
  if (r.outcome == PlanOutcome::kSimulated) {
    detail =
        fmt::format(": {:.1f} tok/s, TTFT P90 {:.1f} ms, TPOT P90 {:.2f} ms{}", r.tokens_per_s,
                    r.ttft_p90_s * 1e3, r.tpot_p90_s * 1e3, r.meets_slo ? ", meets the SLOs" : "");
  } else if (r.outcome == PlanOutcome::kPrunedThroughput) {
    detail = fmt::format(": bound {:.1f} < offered {:.1f} tok/s", r.bound_tokens_per_s,
                         r.offered_tokens_per_s);
  } else if (r.outcome == PlanOutcome::kPrunedTpot) {
    detail = fmt::format(": decode step >= {:.2f} ms", r.tpot_bound_s * 1e3);
  }
  return fmt::format("{}: {}{}", r.candidate.label(), to_string(r.outcome), detail);
}

}  // namespace

int plan_command(const PlanOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const StrategyCatalog catalog = builtin_strategies();
  std::vector<ScenarioOverride> base;
  for (const std::string& set : options.sets) base.push_back(parse_override("--set", set));
  const ScenarioConfig config = load_scenario(options.scenario, catalog, base);
  if (!config.serving) {
    throw ConfigError(
        fmt::format("{}: plan: needs a serving scenario (workload.requests or "
                    "workload.closed_loop)",
                    options.scenario));
  }
  const uint32_t gpus_per_node = config.system.gpus;
  const PlanSpec spec = read_plan_spec(options.scenario, config, catalog);
  if (spec.max_nodes > 1 && config.system.builder != "multi_node") {
    throw ConfigError(
        fmt::format("{}: plan.nodes: more than one node needs hardware.builder: "
                    "multi_node (the scenario's builder is {})",
                    options.scenario, config.system.builder));
  }
  OutputDirectory out(options.out_dir.empty() ? "out/" + config.name + "-plan" : options.out_dir);

  const std::vector<PlanCandidate> candidates = plan_candidates(spec, gpus_per_node);
  // Each candidate loads and simulates on its own objects (the validation suites run serving
  // runs on threads the same way); results keep the candidates' order for any job count.
  std::vector<PlanResult> results(candidates.size());
  std::mutex progress;
  size_t finished = 0;
  run_jobs(candidates.size(), options.jobs, [&](size_t i) {
    results[i] = evaluate_candidate(options.scenario, base, candidates[i], spec, catalog);
    const std::lock_guard<std::mutex> held(progress);
    std::cerr << fmt::format("[{}/{}] {}\n", ++finished, candidates.size(),
                             progress_line(results[i]));
  });

  const PlanCounts counts = count_outcomes(results);
  const std::vector<PlanResult> cheapest = cheapest_meeting_slo(results);
  const std::vector<PlanResult> frontier = pareto_frontier(results);
  const std::string cost = spec.usd_per_gpu_hour > 0
                               ? fmt::format("${:.2f} per GPU-hour", spec.usd_per_gpu_hour)
                               : std::string("GPUs");
  std::string report =
      fmt::format("plan of scenario '{}' ({} GPUs per node, {}): SLOs {}; cost: {}\n", config.name,
                  gpus_per_node, config.gpu.name, spec.slo.describe(), cost);
  report += format_plan_counts(counts);
  if (cheapest.empty()) {
    report += "\nno candidate meets the SLOs\n";
  } else {
    report += "\ncheapest meeting the SLOs:\n";
    report += format_plan_table(std::vector<PlanResult>(
        cheapest.begin(), cheapest.begin() + std::min(cheapest.size(), kCheapestShown)));
  }
  report += "\nPareto frontier (tok/s/GPU against tok/s/user):\n";
  report += frontier.empty() ? "  (no candidate was simulated)\n" : format_plan_table(frontier);

  out.write("candidates.csv", format_candidates_csv(results));
  out.write("frontier.csv", format_frontier_csv(frontier));
  out.write("summary.txt", report);
  if (!frontier.empty()) {
    out.write("frontier.dat", frontier_plot_data(results, frontier));
    // The plan's results are kept without the picture when gnuplot is missing.
    if (gnuplot_available()) {
      run_gnuplot(out.staging_path(), "frontier.gp", frontier_plot_script());
    } else {
      std::cerr << "plan: gnuplot not found: frontier.png and .svg not drawn (install "
                   "gnuplot-nox; scripts/setup.sh does)\n";
    }
  }
  out.commit();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << report
            << fmt::format("\nwrote {} ({:.1f} s wall)\n", out.final_path().string(), wall);
  return 0;
}

}  // namespace moesim
