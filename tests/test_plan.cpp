// `moesim plan`: the capacity-planning search of a scenario's plan: block (docs/planning.md):
// candidates pruned by the bounds, the rest simulated, the frontier and the CSVs; bad plan
// blocks exit 2 naming the key.

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

/// OLMoE-1B-7B on one HGX H100 node at TP8, with 40 requests of 100 input and 50 output tokens
/// arriving within 39 ms: 51,282 output tokens/s offered. At max_num_seqs 1 one sequence
/// decodes per step, and the bound (about 11,500 tokens/s: the active weights read per token)
/// is below that, so the candidate must be pruned; at 64 the bound is far above it.
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

/// Writes the request file and `scenario` into `dir`; returns the scenario's path.
std::string write_plan(const TempDir& dir, const std::string& scenario) {
  std::string requests = "request_id,arrival_s,input_tokens,output_tokens,routing_request\n";
  for (int i = 0; i < 40; ++i) {
    requests += std::to_string(i) + "," + std::to_string(i * 0.001) + ",100,50,\n";  // 1 ms apart
  }
  write_text(dir / "req.csv", requests);
  write_text(dir / "plan.yaml", scenario);
  return (dir / "plan.yaml").string();
}

}  // namespace

TEST_CASE("plan: a tiny plan prunes by the bound, simulates the rest and writes its outputs") {
  TempDir dir("plan-tiny");
  const std::string scenario = write_plan(dir, kTinyPlan);
  const fs::path out = dir / "out";
  const auto result = run_cli({"plan", scenario, "--out", out.string()});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("candidates 2: did not fit 0, pruned by the throughput bound 1, "
                                  "pruned by the TPOT bound 0, simulated 1, meeting the SLOs 1"));
  CHECK_THAT(result.out, Contains("Pareto frontier"));
  CHECK_THAT(result.out, Contains("cheapest meeting the SLOs"));
  const std::string candidates = read_text(out / "candidates.csv");
  CHECK_THAT(candidates, Contains("1,8,8,1,false,1,pruned: throughput bound,"));
  CHECK_THAT(candidates, Contains("1,8,8,1,false,64,simulated,"));
  const std::string frontier = read_text(out / "frontier.csv");
  CHECK_THAT(frontier, Contains("1,8,8,1,false,64,simulated,"));
  CHECK(frontier.find(",1,pruned") == std::string::npos);
  CHECK(fs::exists(out / "frontier.png"));
  CHECK(fs::exists(out / "frontier.svg"));
  CHECK_THAT(read_text(out / "summary.txt"), Contains("Pareto frontier"));
}

TEST_CASE("plan: candidates that do not fit or cannot meet the TPOT SLO are not simulated") {
  TempDir dir("plan-none");
  SECTION("the memory plan refuses every candidate") {
    const std::string scenario = write_plan(dir, kTinyPlan);
    const auto result = run_cli({"plan", scenario, "--out", (dir / "out").string(), "--set",
                                 "serving.gpu_memory_utilization=0.01"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Contains("candidates 2: did not fit 2,"));
    CHECK_THAT(result.out, Contains("no candidate meets the SLOs"));
    CHECK_THAT(read_text(dir / "out" / "candidates.csv"), Contains(",did not fit,"));
    CHECK_FALSE(fs::exists(dir / "out" / "frontier.png"));
  }
  SECTION("a decode step of one sequence takes longer than the TPOT SLO") {
    // The batch-1 step bound of OLMoE on 8 H100s is about 89 us.
    const std::string scenario =
        write_plan(dir, replace_once(kTinyPlan, "tpot_p90: \"50 ms\"", "tpot_p90: \"10 us\""));
    const auto result = run_cli({"plan", scenario, "--out", (dir / "out").string()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Contains("pruned by the throughput bound 1, pruned by the TPOT bound 1, "
                                    "simulated 0, meeting the SLOs 0"));
  }
}

TEST_CASE("plan: moesim run ignores the plan block") {
  TempDir dir("plan-run");
  const std::string scenario = write_plan(dir, kTinyPlan);
  const auto result =
      run_cli({"run", scenario, "--out", (dir / "run").string(), "--quiet", "--no-trace"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
}

TEST_CASE("plan: bad plan blocks exit 2 naming the key") {
  TempDir dir("plan-bad");
  const auto refused = [&](const std::string& from, const std::string& to) {
    const std::string scenario = write_plan(dir, replace_once(kTinyPlan, from, to));
    return run_cli({"plan", scenario, "--out", (dir / "out").string()});
  };
  SECTION("unknown key") {
    const auto r = refused("  data_parallel: false\n", "  data_parallel: false\n  nodez: 3\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.nodez: unknown key"));
  }
  SECTION("empty node range") {
    const auto r = refused("nodes: [1, 1]", "nodes: [2, 1]");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.yaml:21: plan.nodes:"));
  }
  SECTION("TP that does not divide a node") {
    const auto r = refused("tensor_parallel: [8]", "tensor_parallel: [3]");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.tensor_parallel: 3 does not divide a node's 8 GPUs"));
  }
  SECTION("cost per GPU-hour without prices") {
    const auto r =
        refused("  data_parallel: false\n", "  data_parallel: false\n  cost: gpu_hour\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("plan.cost: gpu_hour"));
  }
  CHECK_FALSE(fs::exists(dir / "out"));
}
