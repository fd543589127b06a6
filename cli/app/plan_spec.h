#pragma once
/// The `plan:` block of a scenario (docs/planning.md): the deployments `moesim plan` tries,
/// the latency targets they must meet and how they are priced.

#include <cstdint>
#include <string>
#include <vector>

namespace moesim {

struct PlanSpec {
  std::string scenario;                   ///< path of the scenario file
  uint32_t min_nodes = 1, max_nodes = 1;  ///< inclusive range of node counts
  std::vector<uint32_t> tensor_parallel;  ///< candidate degrees, each dividing a node's GPUs
  bool expert_parallel = false;           ///< also try serving.expert_parallel: true
  /// true: attention data-parallel replicas fill every GPU of the nodes (GPUs / TP of them);
  /// false: one replica, so only a TP that fills the nodes is a candidate.
  bool data_parallel = true;
  std::vector<uint32_t> max_num_seqs;  ///< candidate scheduler limits per replica
  double ttft_p90_s = 0;               ///< SLO on the 90th percentile of TTFT, seconds
  double tpot_p90_s = 0;               ///< SLO on the 90th percentile of TPOT, seconds
};

/// Reads the `plan:` block of the scenario at `path`; `gpus_per_node` and `gpu` (its catalogue
/// name) are the base scenario's. Throws ConfigError ("file:line: plan.KEY: ...") for a missing
/// block, an unknown key, an empty node range, a TP degree that does not divide
/// `gpus_per_node`, empty lists, or `cost: gpu_hour` (the hardware catalogue has no prices, so
/// a deployment costs its GPU count: `cost: gpus`, the default).
PlanSpec read_plan_spec(const std::string& path, uint32_t gpus_per_node, const std::string& gpu);

}  // namespace moesim
