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
                 "TP x PP that fills the nodes is tried."),
      key::list("plan.max_num_seqs", "whole numbers", "required",
                "Scheduler limits per replica tried (serving.max_num_seqs)."),
      key::list("plan.pipeline_parallel", "whole numbers", "[1]",
                "Pipeline stages tried (serving.pipeline_parallel), each at most the model's "
                "decoder layers."),
      key::list("plan.dispatch", "dispatch strategy names", "the scenario's",
                "Dispatch strategies the expert-parallel candidates are tried with."),
      key::list("plan.placement", "placement strategy names", "the scenario's",
                "Expert placements the expert-parallel candidates are tried with."),
      key::block("plan.slo",
                 "The service levels a deployment must meet: at least one latency, throughput "
                 "or goodput target.",
                 "required"),
      key::value("plan.slo.ttft_mean", K::kTime, "none", "Largest mean time to first token."),
      key::value("plan.slo.ttft_median", K::kTime, "none", "Largest median time to first token."),
      key::value("plan.slo.ttft_p90", K::kTime, "none",
                 "Largest 90th percentile of time to first token."),
      key::value("plan.slo.ttft_p99", K::kTime, "none",
                 "Largest 99th percentile of time to first token."),
      key::value("plan.slo.tpot_mean", K::kTime, "none", "Largest mean time per output token."),
      key::value("plan.slo.tpot_median", K::kTime, "none", "Largest median time per output token."),
      key::value("plan.slo.tpot_p90", K::kTime, "none",
                 "Largest 90th percentile of time per output token."),
      key::value("plan.slo.tpot_p99", K::kTime, "none",
                 "Largest 99th percentile of time per output token."),
      key::value("plan.slo.output_tokens_per_s", K::kNumber, "none",
                 "Least output throughput over the run.", "tokens/s"),
      key::block("plan.slo.goodput",
                 "At least `fraction` of the requests each within `ttft` and `tpot` (DistServe's "
                 "goodput attainment)."),
      key::value("plan.slo.goodput.ttft", K::kTime, "none", "A request's time to first token."),
      key::value("plan.slo.goodput.tpot", K::kTime, "none",
                 "A request's mean time per output token."),
      key::value("plan.slo.goodput.fraction", K::kNumber, "required",
                 "Least share of requests within both limits, above 0 and at most 1."),
      key::choice("plan.cost", {"gpus", "gpu_hour"}, "gpus",
                  "What a deployment costs: its GPU count, or GPUs x the GPU's usd_per_hour "
                  "(catalogue or hardware.gpu_overrides; the shipped catalogue states none)."),
  };
}

}  // namespace moesim::key_blocks
