#include "support/plan_files.h"

namespace moesim::test {

const char* const kTinyPlan = R"(name: tiny_plan
seed: 3
model:
  card: OLMoE-1B-7B
hardware:
  builder: multi_node
  gpu: H100-SXM
  gpus: 8
  nodes: 1
  nic_link: infiniband_ndr
  fabric: rail
workload:
  requests: req.csv
routing:
  generator: uniform
serving:
  scheduler: vllm_v1
  tensor_parallel: 8
  cost_model: roofline
plan:
  nodes: [1, 1]
  tensor_parallel: [8]
  data_parallel: false
  max_num_seqs: [1, 64]
  slo: {ttft_p90: "2 s", tpot_p90: "50 ms"}
)";

std::string write_plan(const TempDir& dir, const std::string& scenario) {
  std::string requests = "request_id,arrival_s,input_tokens,output_tokens,routing_request\n";
  for (int i = 0; i < 40; ++i) {
    requests += std::to_string(i) + "," + std::to_string(i * 0.001) + ",100,50,\n";  // 1 ms apart
  }
  write_text(dir / "req.csv", requests);
  write_text(dir / "plan.yaml", scenario);
  return (dir / "plan.yaml").string();
}

}  // namespace moesim::test
