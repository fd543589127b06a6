#pragma once
/// One deployment `moesim plan` tries: a node count, a layout over its GPUs, the exchange of
/// its expert-parallel MoE layers and a scheduler limit, made as `--set` overrides of the
/// scenario (docs/planning.md).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app/plan_spec.h"
#include "cli/app/scenario_overrides.h"

namespace moesim {

/// The dispatch of a candidate without expert parallelism (vLLM's DP exchange).
inline constexpr std::string_view kDispatchWithoutExpertParallel = "allgather_reducescatter";

struct PlanCandidate {
  uint32_t nodes = 1;
  uint32_t gpus = 1;  ///< nodes x GPUs per node: what the deployment costs
  uint32_t tensor_parallel = 1;
  uint32_t pipeline_parallel = 1;
  uint32_t data_parallel = 1;
  bool expert_parallel = false;
  std::string dispatch;   ///< the dispatch strategy it runs (catalogue name)
  std::string placement;  ///< the placement strategy it runs (catalogue name)
  /// Whether dispatch and placement are set by override; false when they are the scenario's
  /// own, which then keep the scenario's parameters.
  bool sets_dispatch = false, sets_placement = false;
  uint32_t max_num_seqs = 1;

  /// hardware.nodes, serving.tensor_parallel, .pipeline_parallel, .data_parallel,
  /// .expert_parallel and .max_num_seqs, and strategies.dispatch and .placement where set, each
  /// as "--set" text naming the plan.
  std::vector<ScenarioOverride> overrides() const;
  /// "2 nodes TP8 PP1 DP2 EP deepep_low_latency/contiguous max_num_seqs 64", for messages; the
  /// strategies are shown for expert-parallel candidates only.
  std::string label() const;
};

/// Every candidate of `spec` in order: nodes, then TP, then PP, then EP off before on, then (EP
/// candidates only) dispatch and placement in the plan's order, then max_num_seqs. With
/// data_parallel the replicas fill the nodes (GPUs / (TP x PP)), and a TP x PP that does not
/// divide the GPUs gives no candidate; without it one replica, so only TP x PP equal to the
/// nodes' GPUs does. A candidate without expert parallelism runs the scenario's dispatch and
/// placement: each of its GPUs holds a slice of every expert, which only the all-gather
/// exchange serves, and one expert-parallel rank leaves the placement nothing to choose.
std::vector<PlanCandidate> plan_candidates(const PlanSpec& spec, uint32_t gpus_per_node);

}  // namespace moesim
