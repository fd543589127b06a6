#include "cli/app/plan_report.h"

#include <algorithm>

#include <fmt/format.h>

namespace moesim {
namespace {

bool simulated(const PlanResult& r) {
  return r.outcome == PlanOutcome::kSimulated;
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_rows(const std::vector<PlanResult>& results) {
  std::string csv =
      "nodes,gpus,tensor_parallel,pipeline_parallel,data_parallel,expert_parallel,dispatch,"
      "placement,max_num_seqs,outcome,"
      "bound_tokens_per_s,offered_tokens_per_s,tpot_bound_s,tokens_per_s,tokens_per_s_per_gpu,"
      "tokens_per_s_per_user,ttft_p90_s,tpot_p90_s,goodput_fraction,usd_per_hour,"
      "usd_per_million_tokens,meets_slo,reason\n";
  for (const PlanResult& r : results) {
    const PlanCandidate& c = r.candidate;
    csv += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},"
        "{:.6g},{:.6g},{:.6g},{},{}\n",
        c.nodes, c.gpus, c.tensor_parallel, c.pipeline_parallel, c.data_parallel,
        c.expert_parallel ? "true" : "false", csv_field(c.dispatch), csv_field(c.placement),
        c.max_num_seqs, to_string(r.outcome), r.bound_tokens_per_s, r.offered_tokens_per_s,
        r.tpot_bound_s, r.tokens_per_s, r.tokens_per_s_per_gpu(), r.tokens_per_s_per_user(),
        r.ttft_p90_s, r.tpot_p90_s, r.goodput_fraction, r.usd_per_hour, r.usd_per_million_tokens(),
        r.meets_slo ? "yes" : "no", csv_field(r.reason));
  }
  return csv;
}

}  // namespace

PlanCounts count_outcomes(const std::vector<PlanResult>& results) {
  PlanCounts n;
  n.candidates = results.size();
  for (const PlanResult& r : results) {
    switch (r.outcome) {
      case PlanOutcome::kDidNotFit:
        ++n.did_not_fit;
        break;
      case PlanOutcome::kPrunedThroughput:
        ++n.pruned_throughput;
        break;
      case PlanOutcome::kPrunedTpot:
        ++n.pruned_tpot;
        break;
      case PlanOutcome::kSimulated:
        ++n.simulated;
        break;
    }
    if (r.meets_slo) ++n.meeting_slo;
  }
  return n;
}

std::vector<PlanResult> cheapest_meeting_slo(const std::vector<PlanResult>& results) {
  std::vector<PlanResult> meeting;
  std::copy_if(results.begin(), results.end(), std::back_inserter(meeting),
               [](const PlanResult& r) { return r.meets_slo; });
  std::stable_sort(meeting.begin(), meeting.end(), [](const PlanResult& a, const PlanResult& b) {
    if (a.candidate.gpus != b.candidate.gpus) return a.candidate.gpus < b.candidate.gpus;
    return a.tokens_per_s > b.tokens_per_s;
  });
  return meeting;
}

std::vector<PlanResult> pareto_frontier(const std::vector<PlanResult>& results) {
  std::vector<PlanResult> frontier;
  for (const PlanResult& r : results) {
    if (!simulated(r)) continue;
    const double x = r.tokens_per_s_per_gpu(), y = r.tokens_per_s_per_user();
    const bool dominated = std::any_of(results.begin(), results.end(), [&](const PlanResult& o) {
      if (!simulated(o)) return false;
      const double ox = o.tokens_per_s_per_gpu(), oy = o.tokens_per_s_per_user();
      return ox >= x && oy >= y && (ox > x || oy > y);
    });
    if (!dominated) frontier.push_back(r);
  }
  std::stable_sort(frontier.begin(), frontier.end(), [](const PlanResult& a, const PlanResult& b) {
    return a.tokens_per_s_per_user() < b.tokens_per_s_per_user();
  });
  return frontier;
}

std::string format_plan_table(const std::vector<PlanResult>& results) {
  // Priced plans (cost: gpu_hour) add what a deployment costs an hour and per output token.
  const bool priced = std::any_of(results.begin(), results.end(),
                                  [](const PlanResult& r) { return r.usd_per_hour > 0; });
  std::string s = fmt::format(
      "  {:>5} {:>5} {:>3} {:>3} {:>4} {:>3} {:<24} {:<20} {:>12} {:>12} {:>10} {:>10} "
      "{:>10} {:>10} {:>4}{}\n",
      "GPUs", "nodes", "TP", "PP", "DP", "EP", "dispatch", "placement", "max_num_seqs", "tok/s",
      "tok/s/GPU", "tok/s/user", "TTFT P90", "TPOT P90", "SLO",
      priced ? fmt::format(" {:>9} {:>9}", "$/hour", "$/Mtok") : "");
  for (const PlanResult& r : results) {
    const PlanCandidate& c = r.candidate;
    s += fmt::format(
        "  {:>5} {:>5} {:>3} {:>3} {:>4} {:>3} {:<24} {:<20} {:>12} {:>12.1f} {:>10.2f} "
        "{:>10.2f} {:>8.1f}ms {:>8.2f}ms {:>4}{}\n",
        c.gpus, c.nodes, c.tensor_parallel, c.pipeline_parallel, c.data_parallel,
        c.expert_parallel ? "yes" : "no", c.dispatch, c.placement, c.max_num_seqs, r.tokens_per_s,
        r.tokens_per_s_per_gpu(), r.tokens_per_s_per_user(), r.ttft_p90_s * 1e3, r.tpot_p90_s * 1e3,
        r.meets_slo ? "yes" : "no",
        priced ? fmt::format(" {:>9.2f} {:>9.3f}", r.usd_per_hour, r.usd_per_million_tokens())
               : "");
  }
  return s;
}

std::string format_plan_counts(const PlanCounts& n) {
  return fmt::format(
      "candidates {}: did not fit {}, pruned by the throughput bound {}, pruned by the TPOT "
      "bound {}, simulated {}, meeting the SLOs {}\n",
      n.candidates, n.did_not_fit, n.pruned_throughput, n.pruned_tpot, n.simulated, n.meeting_slo);
}

std::string format_candidates_csv(const std::vector<PlanResult>& results) {
  return csv_rows(results);
}

std::string format_frontier_csv(const std::vector<PlanResult>& frontier) {
  return csv_rows(frontier);
}

std::string frontier_plot_data(const std::vector<PlanResult>& results,
                               const std::vector<PlanResult>& frontier) {
  std::string data = "# simulated candidates: tok/s/GPU tok/s/user meets_slo\n";
  for (const PlanResult& r : results) {
    if (simulated(r)) {
      data += fmt::format("{:.9g} {:.9g} {}\n", r.tokens_per_s_per_gpu(), r.tokens_per_s_per_user(),
                          r.meets_slo ? 1 : 0);
    }
  }
  data += "\n\n# frontier\n";
  for (const PlanResult& r : frontier) {
    data += fmt::format("{:.9g} {:.9g}\n", r.tokens_per_s_per_gpu(), r.tokens_per_s_per_user());
  }
  return data;
}

std::string frontier_plot_script() {
  const std::string body =
      "set title 'Simulated deployments: throughput per GPU against speed per user'\n"
      "set xlabel 'output tokens/s per user (1 / mean TPOT)'\n"
      "set ylabel 'output tokens/s per GPU'\nset grid\nset key top right\n"
      "plot 'frontier.dat' index 0 using 2:($3 > 0 ? $1 : 1/0) with points pt 7 "
      "title 'meets the SLOs', \\\n"
      "     '' index 0 using 2:($3 > 0 ? 1/0 : $1) with points pt 6 title 'misses the SLOs', \\\n"
      "     '' index 1 using 2:1 with linespoints lw 2 pt 5 title 'Pareto frontier'\n";
  return fmt::format(
      "set terminal pngcairo size 900,600 noenhanced\nset output 'frontier.png'\n{}"
      "set terminal svg size 900,600 noenhanced\nset output 'frontier.svg'\nreplot\n"
      "unset output\n",
      body);
}

}  // namespace moesim
