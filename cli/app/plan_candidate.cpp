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
  add("serving.pipeline_parallel", std::to_string(pipeline_parallel));
  add("serving.data_parallel", std::to_string(data_parallel));
  add("serving.expert_parallel", expert_parallel ? "true" : "false");
  add("serving.max_num_seqs", std::to_string(max_num_seqs));
  // The name replaces the scenario's whole entry, a mapping with parameters included.
  if (sets_dispatch) add("strategies.dispatch", dispatch);
  if (sets_placement) add("strategies.placement", placement);
  return sets;
}

std::string PlanCandidate::label() const {
  return fmt::format("{} node{} TP{} PP{} DP{}{} max_num_seqs {}", nodes, nodes == 1 ? "" : "s",
                     tensor_parallel, pipeline_parallel, data_parallel,
                     expert_parallel ? fmt::format(" EP {}/{}", dispatch, placement) : "",
                     max_num_seqs);
}

std::vector<PlanCandidate> plan_candidates(const PlanSpec& spec, uint32_t gpus_per_node) {
  std::vector<PlanCandidate> candidates;
  for (uint32_t nodes = spec.min_nodes; nodes <= spec.max_nodes; ++nodes) {
    const uint32_t gpus = nodes * gpus_per_node;
    for (const uint32_t tp : spec.tensor_parallel) {
      for (const uint32_t pp : spec.pipeline_parallel) {
        const uint32_t replica_gpus = tp * pp;
        if (gpus % replica_gpus != 0 || (!spec.data_parallel && replica_gpus != gpus)) continue;
        PlanCandidate layout;
        layout.nodes = nodes;
        layout.gpus = gpus;
        layout.tensor_parallel = tp;
        layout.pipeline_parallel = pp;
        layout.data_parallel = gpus / replica_gpus;
        // Without EP every GPU holds a slice of every expert, and the loader takes only the
        // all-gather exchange there: set it when the scenario's dispatch is an EP one.
        layout.dispatch = std::string(kDispatchWithoutExpertParallel);
        layout.sets_dispatch = spec.scenario_dispatch != layout.dispatch;
        layout.placement = spec.scenario_placement;
        std::vector<PlanCandidate> exchanges{layout};
        if (spec.expert_parallel) {
          for (const std::string& dispatch : spec.dispatch) {
            for (const std::string& placement : spec.placement) {
              PlanCandidate ep = layout;
              ep.expert_parallel = true;
              ep.dispatch = dispatch;
              ep.placement = placement;
              ep.sets_dispatch = dispatch != spec.scenario_dispatch;
              ep.sets_placement = placement != spec.scenario_placement;
              exchanges.push_back(ep);
            }
          }
        }
        for (const PlanCandidate& exchange : exchanges) {
          for (const uint32_t seqs : spec.max_num_seqs) {
            candidates.push_back(exchange);
            candidates.back().max_num_seqs = seqs;
          }
        }
      }
    }
  }
  return candidates;
}

}  // namespace moesim
