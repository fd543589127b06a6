#pragma once
/// One deployment `moesim plan` tries: a node count, a layout over its GPUs and a scheduler
/// limit, made as `--set` overrides of the scenario (docs/planning.md).

#include <cstdint>
#include <string>
#include <vector>

#include "cli/app/plan_spec.h"
#include "cli/app/scenario_overrides.h"

namespace moesim {

struct PlanCandidate {
  uint32_t nodes = 1;
  uint32_t gpus = 1;  ///< nodes x GPUs per node: what the deployment costs
  uint32_t tensor_parallel = 1;
  uint32_t data_parallel = 1;
  bool expert_parallel = false;
  uint32_t max_num_seqs = 1;

  /// hardware.nodes, serving.tensor_parallel, serving.data_parallel, serving.expert_parallel
  /// and serving.max_num_seqs, each as "--set" text naming the plan.
  std::vector<ScenarioOverride> overrides() const;
  /// "2 nodes TP8 DP2 EP max_num_seqs 64", for messages.
  std::string label() const;
};

/// Every candidate of `spec` in order: nodes, then TP, then EP off before on, then
/// max_num_seqs. With data_parallel the replicas fill the nodes (GPUs / TP); without it one
/// replica, so only TP degrees equal to the nodes' GPUs give a candidate.
std::vector<PlanCandidate> plan_candidates(const PlanSpec& spec, uint32_t gpus_per_node);

}  // namespace moesim
