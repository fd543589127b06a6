// The pieces of the profiled serving model: grid interpolation, the shipped layer profile,
// the memory plan, latency statistics, and a serving scenario run end to end through the CLI.

#include <array>

#include <catch2/catch.hpp>

#include "models/cost_model/layer_profile.h"
#include "models/cost_model/ragged_grid_table.h"
#include "models/engine/serving/memory_plan.h"
#include "models/engine/serving/serving_metrics.h"
#include "models/model_card_loader.h"
#include "sim/config_error.h"
#include "support/json_check.h"
#include "support/scenario_files.h"

using namespace moesim;
using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

double at(const RaggedGridTable& t, double x, double y) {
  const std::array<double, 2> p{x, y};
  return t.value(p);
}

}  // namespace

TEST_CASE("ragged grid tables interpolate axis by axis and return measured points exactly",
          "[serving]") {
  RaggedGridTable t(2);
  // x = 0 has y in {0, 10}; x = 10 has y in {0, 20}: the second axis differs per first value.
  for (const auto& [x, y, v] :
       {std::tuple{0.0, 0.0, 1.0}, {0.0, 10.0, 3.0}, {10.0, 0.0, 5.0}, {10.0, 20.0, 9.0}}) {
    const std::array<double, 2> p{x, y};
    t.add(p, v);
  }
  CHECK(at(t, 0, 10) == 3.0);
  CHECK(at(t, 0, 5) == Approx(2.0));
  // x = 5, y = 10: halfway between 3 (x=0, y=10) and 7 (x=10, y=10 on 5..9).
  CHECK(at(t, 5, 10) == Approx(5.0));
  CHECK(at(t, 0, 20) == Approx(5.0));  // beyond y=10 at x=0: the last segment extrapolates
  CHECK(at(t, -5, 0) == 1.0);          // below the first x: the first value
  const std::array<double, 2> again{0.0, 0.0};
  CHECK_THROWS_AS(t.add(again, 2.0), std::invalid_argument);
}

TEST_CASE("the shipped RTX PRO 6000 profile gives measured times and sensible lookups",
          "[serving]") {
  const LayerProfile p =
      LayerProfile::load(source_path("models/profiles/rtxpro6000_qwen3_30b_a3b_tp1"));
  // Rows of the measured tables (../shared/data/README.md target 2 and the CSVs).
  CHECK(p.moe_us(1, 8) == Approx(50.2297));
  CHECK(p.moe_us(2048, 128) == Approx(1066.6));
  CHECK(p.token_op_us("qkv_proj", 2048) == Approx(133.024));
  CHECK(p.sequence_op_us("lm_head", 1) == Approx(420.224));
  CHECK(p.attention_us(0, 0, 64, 1024) == Approx(127.041));
  // Below the fewest measured experts (8) the block scales with the experts it reads.
  CHECK(p.moe_us(1, 4) == Approx(50.2297 / 2));
  // More activated experts and more context cost more.
  CHECK(p.moe_us(100, 100) > p.moe_us(100, 50));
  CHECK(p.attention_us(0, 0, 64, 3000) > p.attention_us(0, 0, 64, 2000));
  CHECK_THROWS_AS(p.token_op_us("no_such_op", 1), ConfigError);
}

TEST_CASE("the memory plan sizes the KV cache and names the device that does not fit",
          "[serving]") {
  const ModelCard card = load_model_card(source_path("models/catalogue/Qwen3-30B-A3B.yaml"));
  ParallelLayout ep2{2, 2, 1, 1};
  const MemoryPlan plan =
      plan_memory(card, ep2, SchedulerLimits{128, 2048}, 16, Dtype::kBf16, 96e9, 0.9, "gpu0");
  // About 30.5 B parameters in bf16, routed experts halved by EP2: ~32 GB per GPU.
  CHECK(plan.weight_bytes / 1e9 == Approx(32.1).epsilon(0.03));
  // 48 layers x 2 x 4 KV heads x 128 x 2 bytes = 96 KiB per token.
  CHECK(plan.kv_bytes_per_token == Approx(48.0 * 2 * 4 * 128 * 2));
  CHECK(plan.kv_blocks > 30000);
  ParallelLayout single{1, 1, 1, 1};
  CHECK_THROWS_WITH(
      plan_memory(card, single, SchedulerLimits{128, 2048}, 16, Dtype::kBf16, 48e9, 0.9, "gpu0"),
      Contains("gpu0") && Contains("short by"));
}

TEST_CASE("latency percentiles interpolate between order statistics like numpy", "[serving]") {
  const Distribution d = distribution_of({4, 1, 3, 2});
  CHECK(d.mean == Approx(2.5));
  CHECK(d.median == Approx(2.5));
  CHECK(d.p90 == Approx(3.7));
  CHECK(d.p99 == Approx(3.97));
  CHECK(distribution_of({}).count == 0);
}

TEST_CASE("a serving scenario writes every output, deterministically", "[serving][cli]") {
  TempDir dir("serving-run");
  const std::string scenario = source_path("tests/scenarios/serving_small.yaml").string();
  const auto a = run_cli({"run", scenario, "--out", (dir.path() / "a").string()});
  REQUIRE(a.exit_code == 0);
  CHECK_THAT(a.out, Contains("TTFT") && Contains("TPOT"));
  const auto b = run_cli({"run", scenario, "--out", (dir.path() / "b").string(), "--quiet"});
  REQUIRE(b.exit_code == 0);
  for (const char* file : {"requests.csv", "timeseries.csv", "layers.csv", "summary.txt",
                           "trace.json", "resolved.yaml"}) {
    CAPTURE(file);
    CHECK(read_text(dir.path() / "a" / file) == read_text(dir.path() / "b" / file));
  }
  const auto trace = moesim::test::parse_json(read_text(dir.path() / "a" / "trace.json"));
  CHECK(trace.at("traceEvents").items.size() > 10);
  const std::string requests = read_text(dir.path() / "a" / "requests.csv");
  CHECK(std::count(requests.begin(), requests.end(), '\n') == 21);  // header + 20 requests
  // resolved.yaml is a scenario that reproduces the run.
  const auto c = run_cli({"run", (dir.path() / "a" / "resolved.yaml").string(), "--out",
                          (dir.path() / "c").string(), "--quiet"});
  REQUIRE(c.exit_code == 0);
  CHECK(read_text(dir.path() / "c" / "requests.csv") == requests);
}

TEST_CASE("the roofline MoE cost is the faster hardware limit of the profiled run",
          "[serving][cli]") {
  TempDir dir("serving-roofline");
  const std::string text = read_text(source_path("tests/scenarios/serving_small.yaml"));
  const auto path = dir.path() / "roofline.yaml";
  moesim::test::write_text(
      path, moesim::test::replace_once(text, "  scheduler: vllm_v1\n",
                                       "  scheduler: vllm_v1\n  moe_cost: roofline\n"));
  moesim::test::write_text(dir.path() / "serving_small.requests.csv",
                           read_text(source_path("tests/scenarios/serving_small.requests.csv")));
  const auto r = run_cli({"run", path.string(), "--out", (dir.path() / "o").string()});
  REQUIRE(r.exit_code == 0);
  const auto p = run_cli({"run", source_path("tests/scenarios/serving_small.yaml").string(),
                          "--out", (dir.path() / "p").string()});
  REQUIRE(p.exit_code == 0);
  const auto moe_seconds = [](const std::string& summary) {
    const size_t at = summary.find("MoE blocks");
    REQUIRE(at != std::string::npos);
    return std::stod(summary.substr(at + 10));
  };
  CHECK(moe_seconds(r.out) < moe_seconds(p.out));
}

TEST_CASE("serving configuration errors exit 2 with the key", "[serving][cli]") {
  TempDir dir("serving-bad");
  const std::string text = read_text(source_path("tests/scenarios/serving_small.yaml"));
  const auto fails_with = [&](const std::string& from, const std::string& to,
                              const std::string& message) {
    const auto path = dir.path() / "bad.yaml";
    moesim::test::write_text(path, moesim::test::replace_once(text, from, to));
    const auto r = run_cli({"run", path.string(), "--out", (dir.path() / "o").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(message));
  };
  fails_with("scheduler: vllm_v1", "scheduler: fifo",
             "serving.scheduler: unknown scheduler strategy \"fifo\" (known: vllm_v1, static)");
  fails_with("data_parallel: 2", "data_parallel: 4", "the layout needs 4 GPUs");
  fails_with("profile: rtxpro6000_qwen3_30b_a3b_tp1", "profile: nowhere", "no layer profile");
  fails_with("max_num_seqs: 16", "max_num_sequences: 16", "max_num_seqs");
}

TEST_CASE("a serving run replays a routing trace and names a token the trace lacks",
          "[serving][cli]") {
  TempDir dir("serving-trace");
  // 20 requests x 800 positions covers every request of serving_small (at most 740 tokens).
  const auto trace = (dir.path() / "routing.mtr").string();
  REQUIRE(run_cli({"trace", "generate", "--model", "Qwen3-30B-A3B", "--generator", "zipf",
                   "--tokens", "16000", "--requests", "20", "--seed", "5", "--out", trace})
              .exit_code == 0);
  const std::string text = read_text(source_path("tests/scenarios/serving_small.yaml"));
  moesim::test::write_text(dir.path() / "serving_small.requests.csv",
                           read_text(source_path("tests/scenarios/serving_small.requests.csv")));
  const auto path = dir.path() / "replay.yaml";
  moesim::test::write_text(path,
                           moesim::test::replace_once(text, "  generator: uniform",
                                                      "  generator: trace\n  file: routing.mtr"));
  const auto a = run_cli({"run", path.string(), "--out", (dir.path() / "a").string(), "--quiet"});
  REQUIRE(a.exit_code == 0);
  const auto b = run_cli({"run", path.string(), "--out", (dir.path() / "b").string(), "--quiet"});
  REQUIRE(b.exit_code == 0);
  CHECK(read_text(dir.path() / "a" / "requests.csv") ==
        read_text(dir.path() / "b" / "requests.csv"));
  CHECK_THAT(read_text(dir.path() / "a" / "resolved.yaml"), Contains("routing.mtr"));

  // Too few positions per request: the run stops with the missing token named.
  const auto short_trace = (dir.path() / "short.mtr").string();
  REQUIRE(run_cli({"trace", "generate", "--model", "Qwen3-30B-A3B", "--generator", "zipf",
                   "--tokens", "2000", "--requests", "20", "--out", short_trace})
              .exit_code == 0);
  moesim::test::write_text(path,
                           moesim::test::replace_once(text, "  generator: uniform",
                                                      "  generator: trace\n  file: short.mtr"));
  const auto c = run_cli({"run", path.string(), "--out", (dir.path() / "c").string()});
  CHECK(c.exit_code == 2);
  CHECK_THAT(c.err, Contains("short.mtr: no routing record for request"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "c"));
}

TEST_CASE("the roofline serving model runs tensor parallelism and more GPUs decode faster",
          "[serving][cli]") {
  TempDir dir("serving-tp");
  moesim::test::write_text(dir.path() / "serving_small.requests.csv",
                           read_text(source_path("tests/scenarios/serving_small.requests.csv")));
  const std::string text = read_text(source_path("tests/scenarios/serving_tp_roofline.yaml"));
  const auto tpot_ms = [&](const std::string& tp, const std::string& extra) {
    const auto path = dir.path() / ("tp" + tp + ".yaml");
    moesim::test::write_text(path, moesim::test::replace_once(text, "  tensor_parallel: 2",
                                                              "  tensor_parallel: " + tp + extra));
    const auto r = run_cli({"run", path.string(), "--out", (dir.path() / ("o" + tp)).string()});
    REQUIRE(r.exit_code == 0);
    const size_t at = r.out.find("\nTPOT");
    REQUIRE(at != std::string::npos);
    return std::stod(r.out.substr(at + 5));
  };
  const double tp2 = tpot_ms("2", ""), tp4 = tpot_ms("4", ""), tp8 = tpot_ms("8", "");
  CHECK(tp4 < tp2);
  CHECK(tp8 < tp4);
  // Experts whole on their GPUs (TP4 + EP4) instead of sliced: still a valid layout.
  CHECK(tpot_ms("4", "\n  expert_parallel: true") > 0);

  const auto fails = [&](const std::string& from, const std::string& to, const std::string& what) {
    const auto path = dir.path() / "bad.yaml";
    moesim::test::write_text(path, moesim::test::replace_once(text, from, to));
    const auto r = run_cli({"run", path.string(), "--out", (dir.path() / "bad").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(what));
  };
  fails("  cost_model: roofline",
        "  cost_model: {name: profiled, profile: rtxpro6000_qwen3_30b_a3b_tp1}",
        "was measured on Qwen3-30B-A3B, the scenario's model is Mixtral-8x7B");
  fails("  tensor_parallel: 2", "  tensor_parallel: 16", "the layout needs 16 GPUs");
  // 93 GB of bf16 weights do not fit one 80 GB H100.
  fails("  tensor_parallel: 2", "  tensor_parallel: 1", "H100-SXM: weights (93.41 GB)");
}

TEST_CASE("the memory plan splits experts by expert parallelism, else by tensor parallelism",
          "[serving]") {
  const ModelCard card = load_model_card(source_path("models/catalogue/Mixtral-8x7B.yaml"));
  const SchedulerLimits limits{16, 512};
  const double tp4 =
      plan_memory(card, ParallelLayout{1, 1, 4, 1}, limits, 16, Dtype::kBf16, 80e9, 0.9, "g")
          .weight_bytes;
  const double tp4_ep4 =
      plan_memory(card, ParallelLayout{1, 4, 4, 1}, limits, 16, Dtype::kBf16, 80e9, 0.9, "g")
          .weight_bytes;
  // Either way a GPU holds a quarter of every weight: 46.7 B parameters x 2 bytes / 4.
  CHECK(tp4 == Approx(tp4_ep4));
  CHECK(tp4 / 1e9 == Approx(46.7 * 2 / 4).epsilon(0.02));
}

namespace {

/// Runs a scenario of tests/scenarios with `--set` overrides, into `dir`/`name`.
moesim::test::CliResult run_with(const TempDir& dir, const std::string& scenario,
                                 const std::vector<std::string>& sets, const std::string& name) {
  std::vector<std::string> args{"run", source_path("tests/scenarios/" + scenario).string(), "--out",
                                (dir.path() / name).string()};
  for (const std::string& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  return run_cli(args);
}

double figure_after(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + label.size()));
}

}  // namespace

TEST_CASE("activations move in bf16 whatever the weights' dtype", "[serving][cli]") {
  // DeepSeek-V3 and vLLM fp8 models quantise weights and GEMM inputs; hidden states stay bf16,
  // so fp8 weights halve the weight bytes but not the collectives' bytes.
  TempDir dir("serving-activation-dtype");
  const auto bf16 = run_with(dir, "serving_small.yaml", {}, "bf16");
  const auto fp8 = run_with(dir, "serving_small.yaml", {"model.dtype=fp8"}, "fp8");
  REQUIRE(bf16.exit_code == 0);
  REQUIRE(fp8.exit_code == 0);
  CHECK(figure_after(fp8.out, "  communication") == figure_after(bf16.out, "  communication"));
  CHECK(figure_after(fp8.out, "weights ") ==
        Approx(figure_after(bf16.out, "weights ") / 2).epsilon(0.01));
}

TEST_CASE("model.dtype on a card sets the weight bytes as well as the peak", "[serving][cli]") {
  TempDir dir("serving-card-dtype");
  const auto bf16 = run_with(dir, "serving_tp_roofline.yaml", {}, "bf16");
  const auto fp8 = run_with(dir, "serving_tp_roofline.yaml", {"model.dtype=fp8"}, "fp8");
  REQUIRE(bf16.exit_code == 0);
  REQUIRE(fp8.exit_code == 0);
  // Mixtral-8x7B at TP2: 93.41 GB of bf16 weights, half of it per GPU; fp8 (block scales of
  // 4 bytes per 128 x 128 included) halves that again.
  CHECK(figure_after(bf16.out, "weights ") == Approx(93.41 / 2).epsilon(0.001));
  CHECK(figure_after(fp8.out, "weights ") == Approx(93.41 / 4 * (1 + 4.0 / 16384)).epsilon(0.001));
  CHECK_THAT(read_text(dir.path() / "fp8" / "resolved.yaml"), Contains("dtype: fp8"));
  // One GPU now holds the fp8 weights (46.7 GB of 80); in bf16 it would not.
  CHECK(run_with(dir, "serving_tp_roofline.yaml", {"model.dtype=fp8", "serving.tensor_parallel=1"},
                 "fp8-tp1")
            .exit_code == 0);
}

TEST_CASE("the roofline serving model counts the embedding as dense time, not sampling",
          "[serving][cli]") {
  // With a 1 ms cost per kernel the LM head is 1 ms per iteration; the embedding, another
  // kernel, must not be added to it.
  TempDir dir("serving-embedding");
  const auto r = run_with(dir, "serving_tp_roofline.yaml",
                          {"strategies.cost_model.kernel_overhead=1 ms"}, "o");
  REQUIRE(r.exit_code == 0);
  const double iterations = figure_after(r.out, "requests, ");
  const double sampling_ms = 1e3 * figure_after(r.out, "LM head + sampler");
  CHECK(sampling_ms / iterations == Approx(1.0).epsilon(0.1));
}

TEST_CASE("serving tensor parallelism must split the attention and KV heads", "[serving][cli]") {
  TempDir dir("serving-tp-heads");
  // Mixtral-8x7B: 32 attention heads, 8 KV heads.
  const auto three = run_with(dir, "serving_tp_roofline.yaml", {"serving.tensor_parallel=3"}, "3");
  CHECK(three.exit_code == 2);
  CHECK_THAT(three.err, Contains("--set serving.tensor_parallel=3: serving.tensor_parallel: 3 "
                                 "does not divide the 32 attention heads of Mixtral-8x7B"));
  // TP 8 splits both the heads and the KV heads, one KV head per GPU.
  CHECK(run_with(dir, "serving_tp_roofline.yaml", {"serving.tensor_parallel=8"}, "8").exit_code ==
        0);
}

TEST_CASE("a layer profile measured on another GPU is refused", "[serving][cli]") {
  TempDir dir("serving-profile-gpu");
  // The shipped profile states gpu: RTX-PRO-6000; the same run on H100s is refused.
  const auto r = run_with(dir, "serving_small.yaml", {"hardware.system=h100_hgx"}, "h100");
  CHECK(r.exit_code == 2);
  CHECK_THAT(
      r.err,
      Contains("serving.cost_model.profile: the profile \"rtxpro6000_qwen3_30b_a3b_tp1\" was "
               "measured on a RTX-PRO-6000, the scenario's GPU is H100-SXM"));
}

TEST_CASE("serving cost model choices name what is missing and whose parameter a key is",
          "[serving][cli]") {
  TempDir dir("serving-choice");
  moesim::test::write_text(dir.path() / "serving_small.requests.csv",
                           read_text(source_path("tests/scenarios/serving_small.requests.csv")));
  const std::string text = read_text(source_path("tests/scenarios/serving_tp_roofline.yaml"));
  const auto fails = [&](const std::string& to, const std::string& what) {
    const auto path = dir.path() / "bad.yaml";
    moesim::test::write_text(path, moesim::test::replace_once(text, "  cost_model: roofline", to));
    const auto r = run_cli({"run", path.string(), "--out", (dir.path() / "bad").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(what));
  };
  // A leftover profile under the roofline model belongs to the profiled model.
  fails("  cost_model: {name: roofline, profile: x}",
        "serving.cost_model.profile: not a parameter of serving_cost roofline (profiled takes it");
  // No cost_model: the default (profiled) needs a profile; the message names the choices.
  fails("", "serving_cost profiled needs 'profile'");
  fails("", "or choose another of: profiled, roofline");
  // The old flat key says where it went.
  fails("  profile: rtxpro6000_qwen3_30b_a3b_tp1",
        "serving.profile: a parameter of the profiled cost model: write cost_model: {name: "
        "profiled, profile: ...}");
}
