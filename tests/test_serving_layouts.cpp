// Parallel layouts of a serving scenario through the CLI: tensor parallelism together with
// data and expert parallelism (roofline model), and pipeline stages in both cost models.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "support/json_check.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

using Edits = std::vector<std::pair<std::string, std::string>>;

/// Runs tests/scenarios/`scenario` with each edit's text replaced, writing to dir/`name`.
moesim::test::CliResult run_variant(const TempDir& dir, const std::string& scenario,
                                    const Edits& edits, const std::string& name) {
  moesim::test::write_text(dir.path() / "serving_small.requests.csv",
                           read_text(source_path("tests/scenarios/serving_small.requests.csv")));
  std::string text = read_text(source_path("tests/scenarios/" + scenario));
  for (const auto& [from, to] : edits) text = moesim::test::replace_once(text, from, to);
  const auto path = dir.path() / (name + ".yaml");
  moesim::test::write_text(path, text);
  return run_cli({"run", path.string(), "--out", (dir.path() / name).string()});
}

double number_after(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + label.size()));
}

}  // namespace

TEST_CASE("tensor parallelism within data-parallel replicas decodes faster than one GPU each",
          "[serving][cli]") {
  TempDir dir("serving-tp-dp");
  const std::string tp2 = "  tensor_parallel: 2";
  const auto one_gpu = run_variant(
      dir, "serving_tp_roofline.yaml",
      {{tp2, "  tensor_parallel: 1\n  data_parallel: 2\n  expert_parallel: true"}}, "dp2");
  REQUIRE(one_gpu.exit_code == 0);
  const auto two_gpus = run_variant(
      dir, "serving_tp_roofline.yaml",
      {{tp2, "  tensor_parallel: 2\n  data_parallel: 2\n  expert_parallel: true"}}, "dp2tp2");
  REQUIRE(two_gpus.exit_code == 0);
  CHECK_THAT(two_gpus.out, Contains("DP2 TP2 PP1 EP4"));
  CHECK(number_after(two_gpus.out, "\nTPOT") < number_after(one_gpu.out, "\nTPOT"));
  // Without expert parallelism the replicas' four GPUs each hold a quarter of every expert
  // (attention DP with MoE TP); with a hybrid split, two ranks of two slices.
  const auto moe_tp = run_variant(dir, "serving_tp_roofline.yaml",
                                  {{tp2, "  tensor_parallel: 2\n  data_parallel: 2"}}, "moe_tp");
  REQUIRE(moe_tp.exit_code == 0);
  CHECK_THAT(moe_tp.out, Contains("DP2 TP2 PP1 EP1,"));
  const auto hybrid = run_variant(
      dir, "serving_tp_roofline.yaml",
      {{tp2, "  tensor_parallel: 2\n  data_parallel: 2\n  moe_tensor_parallel: 2"}}, "hybrid");
  REQUIRE(hybrid.exit_code == 0);
  CHECK_THAT(hybrid.out, Contains("DP2 TP2 PP1 EP2 x MoE-TP2"));
  CHECK_THAT(read_text(dir.path() / "hybrid" / "resolved.yaml"),
             Contains("moe_tensor_parallel: 2"));
  const auto contradiction =
      run_variant(dir, "serving_tp_roofline.yaml",
                  {{tp2,
                    "  tensor_parallel: 2\n  data_parallel: 2\n  expert_parallel: false\n"
                    "  moe_expert_parallel: 4"}},
                  "contradiction");
  CHECK(contradiction.exit_code == 2);
  CHECK_THAT(contradiction.err, Contains("expert_parallel: false contradicts"));
  const auto not_dividing = run_variant(
      dir, "serving_tp_roofline.yaml",
      {{tp2, "  tensor_parallel: 2\n  data_parallel: 2\n  moe_tensor_parallel: 3"}}, "bad3");
  CHECK(not_dividing.exit_code == 2);
  CHECK_THAT(not_dividing.err, Contains("moe_tensor_parallel: 3 does not divide the 4 GPUs"));
}

TEST_CASE("pipeline stages run in both cost models and lay out a lane per stage",
          "[serving][cli]") {
  TempDir dir("serving-pp");
  // Roofline: Mixtral over two stages of two tensor-parallel GPUs.
  const auto roofline = run_variant(
      dir, "serving_tp_roofline.yaml",
      {{"  tensor_parallel: 2", "  tensor_parallel: 2\n  pipeline_parallel: 2"}}, "pp_roofline");
  REQUIRE(roofline.exit_code == 0);
  CHECK_THAT(roofline.out, Contains("DP1 TP2 PP2 EP1"));

  // Profiled: the DP2+EP2 run on four GPUs, in one stage and in two.
  const Edits four_gpus{{"  gpus: 2\n  gpus_per_switch: 2", "  gpus: 4\n  gpus_per_switch: 4"}};
  const auto flat = run_variant(dir, "serving_small.yaml", four_gpus, "flat");
  REQUIRE(flat.exit_code == 0);
  Edits two_stages = four_gpus;
  two_stages.emplace_back("  expert_parallel: true",
                          "  expert_parallel: true\n  pipeline_parallel: 2");
  const auto staged = run_variant(dir, "serving_small.yaml", two_stages, "staged");
  REQUIRE(staged.exit_code == 0);
  CHECK_THAT(staged.out, Contains("DP2 TP1 PP2 EP2"));
  // Each GPU holds half the layers: half the weights and twice the KV blocks, or more.
  CHECK(number_after(staged.out, "KV cache ") > 2 * number_after(flat.out, "KV cache "));
  const std::string trace = read_text(dir.path() / "staged" / "trace.json");
  CHECK_THAT(trace, Contains("rank 1 stage 1 compute"));
  CHECK(moesim::test::parse_json(trace).at("traceEvents").items.size() > 10);
  const std::string requests = read_text(dir.path() / "staged" / "requests.csv");
  CHECK(std::count(requests.begin(), requests.end(), '\n') == 21);  // header + 20 requests

  const auto fails = [&](Edits edits, const std::string& what) {
    const auto r = run_variant(dir, "serving_small.yaml", edits, "bad");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(what));
  };
  Edits async = two_stages;
  async.emplace_back("  stats_interval", "  async_scheduling: true\n  stats_interval");
  fails(async, "async scheduling with pipeline_parallel > 1 is not modelled");
  fails({{"  expert_parallel: true", "  expert_parallel: true\n  pipeline_parallel: 64"}},
        "64 stages for 48 decoder layers");
  fails({{"  expert_parallel: true", "  expert_parallel: true\n  pipeline_parallel: 2"}},
        "the layout needs 4 GPUs (data_parallel 2 x tensor_parallel 1 x pipeline_parallel 2) but "
        "the machine has 2 (1 node(s)); at tensor_parallel 1 and pipeline_parallel 2 it holds "
        "data_parallel up to 1");
}

TEST_CASE("the profiled model runs tensor parallelism from a profile measured at that degree",
          "[serving][cli]") {
  TempDir dir("serving-tp-profiled");
  // A stand-in TP2 profile: the shipped TP1 tables declared as measured per GPU at TP2, so
  // the TP2 run differs from one GPU only by its all-reduces.
  const auto shipped = source_path("models/profiles/rtxpro6000_qwen3_30b_a3b_tp1");
  std::filesystem::create_directories(dir.path() / "tp2_profile");
  for (const char* table : {"dense.csv", "per_sequence.csv", "attention.csv", "moe.csv"}) {
    std::filesystem::copy_file(shipped / table, dir.path() / "tp2_profile" / table);
  }
  moesim::test::write_text(dir.path() / "tp2_profile" / "profile.yaml",
                           "tensor_parallel: 2\nmodel: Qwen3-30B-A3B\n");
  const std::string dp2 = "  data_parallel: 2\n  expert_parallel: true";
  const auto one_gpu = run_variant(dir, "serving_small.yaml", {{dp2, "  data_parallel: 1"}}, "tp1");
  REQUIRE(one_gpu.exit_code == 0);
  const Edits tp2{{dp2, "  tensor_parallel: 2"},
                  {"profile: rtxpro6000_qwen3_30b_a3b_tp1", "profile: tp2_profile"}};
  const auto two_gpus = run_variant(dir, "serving_small.yaml", tp2, "tp2");
  REQUIRE(two_gpus.exit_code == 0);
  CHECK_THAT(two_gpus.out, Contains("DP1 TP2 PP1 EP1"));
  // Same per-GPU tables plus two all-reduces per layer: slower per token than one GPU.
  CHECK(number_after(two_gpus.out, "\nTPOT") > number_after(one_gpu.out, "\nTPOT"));
  CHECK(number_after(two_gpus.out, "  communication") > 0);

  const auto fails = [&](const Edits& edits, const std::string& what) {
    const auto r = run_variant(dir, "serving_small.yaml", edits, "bad");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(what));
  };
  // The shipped profile was measured at TP1.
  fails({{dp2, "  tensor_parallel: 2"}}, "was measured at tensor parallel 1, the layout has 2");
  // Experts sliced over TP in the profile's MoE table: no expert parallelism with it.
  fails({{dp2, "  tensor_parallel: 2\n  expert_parallel: true"},
         {"profile: rtxpro6000_qwen3_30b_a3b_tp1", "profile: tp2_profile"}},
        "use cost_model: roofline for TP with EP");
  moesim::test::write_text(dir.path() / "tp2_profile" / "profile.yaml", "tensor_parralel: 2\n");
  fails(tp2, "profile.yaml:1: tensor_parralel");
}

TEST_CASE("serving layouts span the nodes of a multi-node machine", "[serving][cli]") {
  TempDir dir("serving-nodes");
  const auto nodes = [](uint32_t n) {
    return fmt::format(
        "  builder: multi_node\n  gpu: H100-SXM\n  gpus: 8\n  nodes: {}\n"
        "  nic_link: infiniband_ndr",
        n);
  };
  const std::string machine = "  system: h100_hgx";
  const std::string qwen = "  card: Qwen3-30B-A3B";
  // Attention DP with wide EP over four nodes (the layout the single-node check refused).
  const auto wide_ep =
      run_variant(dir, "serving_tp_roofline.yaml",
                  {{"  card: Mixtral-8x7B", qwen},
                   {machine, nodes(4)},
                   {"  tensor_parallel: 2", "  data_parallel: 32\n  expert_parallel: true"}},
                  "wide_ep");
  REQUIRE(wide_ep.exit_code == 0);
  CHECK_THAT(wide_ep.out, Contains("on 32 x H100-SXM, DP32 TP1 PP1 EP32"));
  CHECK_THAT(read_text(dir.path() / "wide_ep" / "resolved.yaml"), Contains("network: max_min"));
  // TP inside each node, one pipeline stage per node.
  const auto staged =
      run_variant(dir, "serving_tp_roofline.yaml",
                  {{machine, nodes(2)},
                   {"  tensor_parallel: 2", "  tensor_parallel: 8\n  pipeline_parallel: 2"}},
                  "staged");
  REQUIRE(staged.exit_code == 0);
  CHECK_THAT(staged.out, Contains("DP1 TP8 PP2 EP1"));
  // Attention DP with MoE TP, and TRT-LLM's hybrid MoE split, each over two nodes.
  const auto moe_tp = run_variant(
      dir, "serving_tp_roofline.yaml",
      {{machine, nodes(2)}, {"  tensor_parallel: 2", "  tensor_parallel: 8\n  data_parallel: 2"}},
      "moe_tp_nodes");
  REQUIRE(moe_tp.exit_code == 0);
  CHECK_THAT(moe_tp.out, Contains("DP2 TP8 PP1 EP1,"));
  const auto hybrid =
      run_variant(dir, "serving_tp_roofline.yaml",
                  {{"  card: Mixtral-8x7B", qwen},
                   {machine, nodes(2)},
                   {"  tensor_parallel: 2", "  data_parallel: 16\n  moe_expert_parallel: 8"}},
                  "hybrid_nodes");
  REQUIRE(hybrid.exit_code == 0);
  CHECK_THAT(hybrid.out, Contains("DP16 TP1 PP1 EP8 x MoE-TP2"));
  // Above 64 GPUs the collective-level network is the default.
  const auto wide =
      run_variant(dir, "serving_tp_roofline.yaml",
                  {{"  card: Mixtral-8x7B", qwen},
                   {machine, nodes(16)},
                   {"  tensor_parallel: 2", "  data_parallel: 128\n  expert_parallel: true"}},
                  "wide");
  REQUIRE(wide.exit_code == 0);
  CHECK_THAT(read_text(dir.path() / "wide" / "resolved.yaml"), Contains("network: collective"));
  // A layout the machine cannot hold says what would fit.
  const auto too_big = run_variant(
      dir, "serving_tp_roofline.yaml",
      {{machine, nodes(2)}, {"  tensor_parallel: 2", "  tensor_parallel: 8\n  data_parallel: 3"}},
      "too_big");
  CHECK(too_big.exit_code == 2);
  CHECK_THAT(too_big.err, Contains("the layout needs 24 GPUs (data_parallel 3 x tensor_parallel 8 "
                                   "x pipeline_parallel 1) but the machine has 16 (2 node(s)); at "
                                   "tensor_parallel 8 and pipeline_parallel 1 it holds "
                                   "data_parallel up to 2"));
}
