// Runs bottlenecked on purpose report that bottleneck as the binding resource of their hardware
// limit (metrics.json's bound block; models/bounds/serving_roofline_bound.h for serving runs,
// cli/app/layer_bound.h for a layer run), and no run beats its bound.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/json_check.h"
#include "support/scenario_files.h"

using moesim::test::JsonValue;
using moesim::test::parse_json;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

/// `moesim run SCENARIO --set ... --no-trace --quiet --out DIR`; its metrics.json's bound block.
/// Each run writes its own folder DIR/NAME.
JsonValue bound_of(const TempDir& dir, const std::string& name, const std::string& scenario,
                   const std::vector<std::string>& sets) {
  const std::string out = (dir / name).string();
  std::vector<std::string> args = {"run", scenario, "--no-trace", "--quiet", "--out", out};
  for (const std::string& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  const auto r = run_cli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return parse_json(read_text(dir / name / "metrics.json")).at("bound");
}

const std::string closed_loop_h100 =
    source_path("scenarios/serving/closed_loop_h100.yaml").string();

/// A serving run's bound: the throughput binding, and the run within its bound.
void check_serving(const JsonValue& bound, const std::string& binding) {
  INFO("mean step binds " << bound.at("mean_step_binding").text);
  CHECK(bound.at("binding").text == binding);
  CHECK(bound.at("fraction_of_bound").number > 0.0);
  CHECK(bound.at("fraction_of_bound").number <= 1.0 + 1e-9);
  CHECK(bound.at("step_fraction_of_bound").number <= 1.0 + 1e-9);
}

}  // namespace

TEST_CASE("bound binding: long prompts with two output tokens bind compute", "[bounds][cli]") {
  TempDir dir("bind-compute");
  // 4096-token prompts, one decode step each: the prefill FLOPs dominate
  const JsonValue b =
      bound_of(dir, "run", closed_loop_h100,
               {"workload.closed_loop.input_tokens=4096", "workload.closed_loop.output_tokens=2",
                "workload.closed_loop.concurrency=64"});
  check_serving(b, "compute");
  CHECK(b.at("mean_step_binding").text == "compute");
}

TEST_CASE("bound binding: one short prompt at a time decoding long binds HBM", "[bounds][cli]") {
  TempDir dir("bind-hbm");
  // one sequence decoding 128 tokens: every step reads the weights for one token
  const JsonValue b =
      bound_of(dir, "run", closed_loop_h100,
               {"workload.closed_loop.input_tokens=16", "workload.closed_loop.output_tokens=128",
                "workload.closed_loop.concurrency=1", "workload.closed_loop.requests=4"});
  check_serving(b, "HBM");
  CHECK(b.at("batch").number == 1);
  CHECK(b.at("mean_step_binding").text == "HBM");
}

TEST_CASE("bound binding: long prompts in a small KV cache bind KV capacity", "[bounds][cli]") {
  TempDir dir("bind-kv");
  // 64 clients of 4000-token prompts; the KV cache of 0.8 of the H100 holds only a few
  const JsonValue b =
      bound_of(dir, "run", closed_loop_h100,
               {"workload.closed_loop.input_tokens=4000", "workload.closed_loop.output_tokens=64",
                "workload.closed_loop.concurrency=64", "serving.gpu_memory_utilization=0.8"});
  check_serving(b, "KV capacity");
  CHECK(b.at("batch").number < 64);
}

TEST_CASE("bound binding: weights streamed from host memory bind the host link", "[bounds][cli]") {
  TempDir dir("bind-host");
  // the MoE-Lens study cut to 64 clients and 128 requests: every step streams Mixtral's 93 GB
  const JsonValue b =
      bound_of(dir, "run", source_path("scenarios/studies/moe_lens_bound.yaml").string(),
               {"workload.closed_loop.concurrency=64", "workload.closed_loop.requests=128"});
  check_serving(b, "host link");
  CHECK(b.at("mean_step_binding").text == "host link");
}

TEST_CASE("bound binding: tensor parallelism over slowed PCIe binds the network", "[bounds][cli]") {
  TempDir dir("bind-network");
  // Mixtral-8x7B over the 8 L40S of a PCIe server (no NVLink: GPU to GPU over pcie4_x16) at
  // TP 8, the link slowed to 1 GB/s: per token 2 * 32 layers * 7 * 4096 * 2 bytes = 3.67 MB of
  // all-reduces over 8 GPUs x 1e9 bytes/s = 459 us, against about 13 ms / 16 sequences = 0.8 ms
  // of HBM per decode token and 9 us of compute: the network binds both the throughput and the
  // mean step. A closed loop of 32 requests (256 prompt, 16 output tokens), 16 clients.
  const std::string text =
      moesim::test::replace_once(read_text(source_path("tests/scenarios/serving_tp_roofline.yaml")),
                                 "  requests: serving_small.requests.csv",
                                 "  closed_loop: {concurrency: 16, requests: 32, "
                                 "input_tokens: 256, output_tokens: 16}");
  const auto scenario = dir / "serving_tp_closed_loop.yaml";
  moesim::test::write_text(scenario, text);
  const std::vector<std::string> pcie = {"hardware.system=l40s_pcie_server",
                                         "serving.tensor_parallel=8"};
  std::vector<std::string> slowed = pcie;
  slowed.push_back("hardware.link_overrides.pcie4_x16.bandwidth=1 GB/s");
  const JsonValue b = bound_of(dir, "slowed", scenario.string(), slowed);
  check_serving(b, "network");
  CHECK(b.at("mean_step_binding").text == "network");
  // slowing the link 31.5x lowers the network's tokens/s by as much (1 / 31.5e9 -> 1 / 1e9)
  const JsonValue stock = bound_of(dir, "stock", scenario.string(), pcie);
  CHECK(stock.at("by_resource").at("network").number ==
        Approx(31.5 * b.at("by_resource").at("network").number).epsilon(1e-9));
  CHECK(stock.at("fraction_of_bound").number <= 1.0 + 1e-9);
}

TEST_CASE(
    "bound binding: the quickstart layer binds compute, and the network once its GPU "
    "links are slowed",
    "[bounds][cli]") {
  TempDir dir("bind-layer");
  const std::string quickstart = source_path("scenarios/quickstart.yaml").string();
  const JsonValue stock = bound_of(dir, "stock", quickstart, {});
  CHECK(stock.at("binding").text == "compute");
  CHECK(stock.at("step_fraction_of_bound").number > 0.0);
  CHECK(stock.at("step_fraction_of_bound").number <= 1.0 + 1e-9);
  // The layer bound's network term counts every link into the busiest GPU (NVLink and its
  // PCIe link to the host switch): both slowed to 1 GB/s, 7.5 MB of dispatch received over
  // 2 GB/s is 3.7 ms against 370 us of compute
  const JsonValue slowed = bound_of(dir, "slowed", quickstart,
                                    {"hardware.link_overrides.nvlink4.bandwidth=1 GB/s",
                                     "hardware.link_overrides.pcie5_x16.bandwidth=1 GB/s"});
  CHECK(slowed.at("binding").text == "network");
  CHECK(slowed.at("by_resource_us").at("network").number >
        slowed.at("by_resource_us").at("compute").number);
  CHECK(slowed.at("step_fraction_of_bound").number > 0.0);
  CHECK(slowed.at("step_fraction_of_bound").number <= 1.0 + 1e-9);
}
