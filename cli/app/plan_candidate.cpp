#include "cli/app/plan_candidate.h"

#include <fmt/format.h>

namespace moesim {

std::vector<ScenarioOverride> PlanCandidate::overrides() const {
  std::vector<ScenarioOverride> sets;
  const auto add = [&](const std::string& path, const std::string& value) {
    sets.push_back({path, value, fmt::format("plan candidate ({}): {}={}", label(), path, value)});
  };
  add("hardware.nodes", std::to_string(nodes));
  add("serving.tensor_parallel", std::to_string(tensor_parallel));
  add("serving.data_parallel", std::to_string(data_parallel));
  add("serving.expert_parallel", expert_parallel ? "true" : "false");
  add("serving.max_num_seqs", std::to_string(max_num_seqs));
  return sets;
}

std::string PlanCandidate::label() const {
  return fmt::format("{} node{} TP{} DP{}{} max_num_seqs {}", nodes, nodes == 1 ? "" : "s",
                     tensor_parallel, data_parallel, expert_parallel ? " EP" : "", max_num_seqs);
}

std::vector<PlanCandidate> plan_candidates(const PlanSpec& spec, uint32_t gpus_per_node) {
  std::vector<PlanCandidate> candidates;
  for (uint32_t nodes = spec.min_nodes; nodes <= spec.max_nodes; ++nodes) {
    const uint32_t gpus = nodes * gpus_per_node;
    for (const uint32_t tp : spec.tensor_parallel) {
      if (!spec.data_parallel && tp != gpus) continue;
      for (const bool ep :
           spec.expert_parallel ? std::vector<bool>{false, true} : std::vector<bool>{false}) {
        for (const uint32_t seqs : spec.max_num_seqs) {
          candidates.push_back({nodes, gpus, tp, gpus / tp, ep, seqs});
        }
      }
    }
  }
  return candidates;
}

}  // namespace moesim
