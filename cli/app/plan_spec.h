#pragma once
/// The `plan:` block of a scenario (docs/planning.md): the deployments `moesim plan` tries,
/// the latency targets they must meet and how they are priced.

#include <cstdint>
#include <string>
#include <vector>

#include "cli/app/plan_slo.h"
#include "cli/app/scenario_config.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

struct PlanSpec {
  std::string scenario;                   ///< path of the scenario file
  uint32_t min_nodes = 1, max_nodes = 1;  ///< inclusive range of node counts
  std::vector<uint32_t> tensor_parallel;  ///< candidate degrees, each dividing a node's GPUs
  /// Candidate pipeline stages, each at most the model's decoder layers; [1] when not given.
  std::vector<uint32_t> pipeline_parallel{1};
  bool expert_parallel = false;  ///< also try serving.expert_parallel: true
  /// true: attention data-parallel replicas fill every GPU of the nodes (GPUs / (TP x PP) of
  /// them); false: one replica, so only a TP x PP that fills the nodes is a candidate.
  bool data_parallel = true;
  /// Dispatch and placement strategies tried by the expert-parallel candidates, names of the
  /// catalogue's families; when not given, the scenario's own strategy alone.
  std::vector<std::string> dispatch, placement;
  /// The base scenario's strategies (strategies.dispatch and .placement, defaults filled in):
  /// what a candidate without expert parallelism runs, and a listed name that needs no override.
  std::string scenario_dispatch, scenario_placement;
  std::vector<uint32_t> max_num_seqs;  ///< candidate scheduler limits per replica
  PlanSlo slo;                         ///< the targets a deployment must meet
  /// cost: gpu_hour: the GPU's price from the catalogue or hardware.gpu_overrides, US dollars
  /// per GPU-hour; 0 for cost: gpus (a deployment costs its GPU count).
  double usd_per_gpu_hour = 0;
};

/// Reads the `plan:` block of the scenario at `path`; `base` is that scenario loaded (its GPUs
/// per node, GPU, model and strategies), `catalog` names the known strategies. Throws
/// ConfigError ("file:line: plan.KEY: ...") for a missing block, an unknown key, an empty node
/// range, a TP degree that does not divide a node's GPUs, a pipeline degree above the model's
/// decoder layers, an unknown or repeated strategy name, empty lists, bad service levels, or
/// `cost: gpu_hour` for a GPU with no price (`usd_per_hour`, docs/hardware.md).
PlanSpec read_plan_spec(const std::string& path, const ScenarioConfig& base,
                        const StrategyCatalog& catalog);

}  // namespace moesim
