// The `sweep:` block (cli/app/sweep_spec.cpp, docs/scenario.md "Sweeps") and the `plan:` block
// (cli/app/plan_spec.cpp, docs/planning.md).

#include "cli/app/keys/key_blocks.h"

namespace moesim::key_blocks {

using K = KeyType;

std::vector<ScenarioKey> sweep_and_plan_keys() {
  return {
      key::block("sweep.axes", "The axes of the sweep, each a scenario key path with its values.",
                 "required"),
      key::list("sweep.axes.<key path>", "values", "required",
                "One axis: a list of values, a comma list \"a, b\", \"choice(a, b)\" or "
                "\"range(START, STOP, STEP)\", each set as `--set KEY.PATH=VALUE` sets it."),
      key::list("sweep.exclude", "mappings", "none",
                "Points to leave out: a point with every (axis, value) pair of one entry is "
                "dropped."),
      key::value("sweep.exclude[].<key path>", K::kString, "required",
                 "An axis of the sweep and the value, as the axis writes it, that the entry "
                 "matches."),
      key::list("plan.nodes", "2 whole numbers", "required",
                "[FIRST, LAST]: the inclusive range of node counts tried."),
      key::list("plan.tensor_parallel", "whole numbers", "required",
                "Tensor-parallel degrees tried, each dividing a node's GPUs."),
      key::value("plan.expert_parallel", K::kBool, "false",
                 "Also try each deployment with serving.expert_parallel: true."),
      key::value("plan.data_parallel", K::kBool, "true",
                 "Attention replicas fill every GPU of the nodes; false: one replica, so only a "
                 "tensor-parallel degree that fills the nodes is tried."),
      key::list("plan.max_num_seqs", "whole numbers", "required",
                "Scheduler limits per replica tried (serving.max_num_seqs)."),
      key::block("plan.slo", "The latency targets a deployment must meet.", "required"),
      key::value("plan.slo.ttft_p90", K::kTime, "required",
                 "Largest 90th percentile of time to first token; positive."),
      key::value("plan.slo.tpot_p90", K::kTime, "required",
                 "Largest 90th percentile of time per output token; positive."),
      key::choice("plan.cost", {"gpus", "gpu_hour"}, "gpus",
                  "What a deployment costs: its GPU count; gpu_hour is refused, the catalogue "
                  "has no prices."),
  };
}

}  // namespace moesim::key_blocks
