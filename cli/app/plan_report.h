#pragma once
/// What `moesim plan` reports from its evaluated candidates: the counts, the cheapest
/// deployments meeting the SLOs, the Pareto frontier, and the files of its output folder.

#include <string>
#include <vector>

#include "cli/app/plan_evaluation.h"

namespace moesim {

/// Candidates by outcome.
struct PlanCounts {
  size_t candidates = 0, did_not_fit = 0, pruned_throughput = 0, pruned_tpot = 0, simulated = 0,
         meeting_slo = 0;
};
PlanCounts count_outcomes(const std::vector<PlanResult>& results);

/// The simulated candidates meeting the SLOs, cheapest (fewest GPUs) first, ties by more
/// output tokens/s.
std::vector<PlanResult> cheapest_meeting_slo(const std::vector<PlanResult>& results);

/// The Pareto frontier of the simulated candidates over (output tokens/s per GPU, output
/// tokens/s per user = 1 / mean TPOT), both higher better: the candidates no other beats or
/// equals on both with one strictly better. By tokens/s per user, ascending.
std::vector<PlanResult> pareto_frontier(const std::vector<PlanResult>& results);

/// Header and one line per result: GPUs, nodes, TP, PP, DP, EP, dispatch, placement,
/// max_num_seqs, throughput, tok/s/GPU, tok/s/user, TTFT P90, TPOT P90, meets SLO; with
/// prices (cost: gpu_hour), US dollars per hour and per million output tokens.
std::string format_plan_table(const std::vector<PlanResult>& results);
std::string format_plan_counts(const PlanCounts& counts);

/// Every candidate with its outcome and figures, one row each (RFC 4180 quoting).
std::string format_candidates_csv(const std::vector<PlanResult>& results);
/// The frontier's rows, in the columns of candidates.csv.
std::string format_frontier_csv(const std::vector<PlanResult>& frontier);
/// The gnuplot data (simulated candidates, then the frontier) and the script that draws
/// frontier.png and frontier.svg from it.
std::string frontier_plot_data(const std::vector<PlanResult>& results,
                               const std::vector<PlanResult>& frontier);
std::string frontier_plot_script();

}  // namespace moesim
