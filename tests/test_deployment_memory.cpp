// Real deployments fit the memory plan (vLLM's defaults: gpu_memory_utilization 0.9, 16-token
// blocks, 256 sequences, 8,192 batched tokens), the per-operator peaks of the roofline, and
// serving.kv_cache_dtype through the command line.

#include <string>

#include <catch2/catch.hpp>

#include "models/cost_model/compute_peak.h"
#include "models/engine/serving/memory_plan.h"
#include "models/model_card_loader.h"
#include "support/scenario_files.h"
#include "topologies/catalogue_loader.h"
#include "topologies/hardware_catalogue.h"

using namespace moesim;
using Catch::Matchers::Contains;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

ModelCard card(const std::string& name) {
  return load_model_card(source_path("models/catalogue/" + name + ".yaml"));
}

const GpuSpec& gpu(const std::string& name) {
  static const HardwareCatalogue catalogue = load_hardware_catalogue(default_catalogue_dir());
  return catalogue.gpu(name);
}

/// KV blocks per GPU of `model` on `gpu_name` in `layout` {DP, EP, TP, PP}; throws when the
/// weights leave no room.
MemoryPlan deploy(const std::string& model, const std::string& gpu_name, ParallelLayout layout,
                  Dtype kv = Dtype::kBf16) {
  return plan_memory(card(model), layout, SchedulerLimits{256, 8192}, 16, kv,
                     gpu(gpu_name).memory_capacity, 0.9, gpu_name);
}

/// The number after `label` in `text`.
double figure_after(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + label.size()));
}

}  // namespace

TEST_CASE("the quantised releases fit the GPUs they are deployed on", "[memory_plan]") {
  // Qwen3-235B-A22B-FP8: 235.1 B parameters at ~1 B, a quarter per GPU at TP4 (58.8 GB of the
  // 72 GB usable on an 80 GB H100), an eighth at TP8.
  const MemoryPlan qwen_tp4 = deploy("Qwen3-235B-A22B-FP8", "H100-SXM", {1, 4, 4, 1});
  CHECK(qwen_tp4.weight_bytes / 1e9 == Approx(235.09 / 4).epsilon(0.01));
  CHECK(qwen_tp4.kv_blocks > 0);
  CHECK(deploy("Qwen3-235B-A22B-FP8", "H100-SXM", {1, 1, 8, 1}).kv_blocks > qwen_tp4.kv_blocks);
  // The bf16 release does not fit TP4 on H100: 117.5 GB per GPU.
  CHECK_THROWS_WITH(deploy("Qwen3-235B-A22B", "H100-SXM", {1, 4, 4, 1}), Contains("short by"));
  // gpt-oss-120b: 65.19 GB of MXFP4 experts and bf16 rest, whole on one H200 (126.9 GB
  // usable), split 2, 4 and 8 ways on H100s.
  CHECK(deploy("gpt-oss-120b", "H200", {1, 1, 1, 1}).kv_blocks > 0);
  for (const uint32_t tp : {2u, 4u, 8u}) {
    INFO("gpt-oss-120b TP" << tp);
    CHECK(deploy("gpt-oss-120b", "H100-SXM", {1, 1, tp, 1}).kv_blocks > 0);
  }
  // MiniMax-M2.5: 228.7 B parameters in fp8, 57.2 GB per GPU at TP4 EP4.
  const MemoryPlan minimax = deploy("MiniMax-M2.5", "H100-SXM", {1, 4, 4, 1});
  CHECK(minimax.weight_bytes / 1e9 == Approx(228.69 / 4).epsilon(0.01));
  CHECK(minimax.kv_blocks > 0);
  // An fp8 cache holds twice the tokens (up to the floor of the division).
  const MemoryPlan minimax_fp8 = deploy("MiniMax-M2.5", "H100-SXM", {1, 4, 4, 1}, Dtype::kFp8);
  CHECK(minimax_fp8.kv_blocks >= 2 * minimax.kv_blocks);
  CHECK(minimax_fp8.kv_blocks <= 2 * minimax.kv_blocks + 1);
}

TEST_CASE("each compute dtype has its own peak, fp4 falls back to bf16 on Hopper",
          "[memory_plan][roofline]") {
  const GpuSpec& h100 = gpu("H100-SXM");
  CHECK(at_compute_dtype(h100, "fp8").peak_flops == Approx(1979e12));
  CHECK(at_compute_dtype(h100, "bf16").peak_flops == Approx(989e12));
  CHECK(at_compute_dtype(h100, "fp4").peak_flops == Approx(989e12));  // no fp4 tensor cores
  CHECK(at_compute_dtype(gpu("B200"), "fp4").peak_flops == Approx(9000e12));
  // A scenario's peak_flops override clears the per-dtype peaks: it holds for every operator.
  GpuSpec overridden = h100;
  overridden.peak_flops = 500e12;
  overridden.peak_flops_by_dtype.clear();
  CHECK(at_compute_dtype(overridden, "fp8").peak_flops == 500e12);
}

TEST_CASE("serving.kv_cache_dtype fp8 doubles the KV blocks, other values are refused",
          "[memory_plan][cli]") {
  TempDir dir("kv-cache-dtype");
  const std::string scenario = source_path("tests/scenarios/serving_tp_roofline.yaml").string();
  const auto run = [&](const std::string& set, const std::string& name) {
    return run_cli({"run", scenario, "--out", (dir / name).string(), "--set", set});
  };
  const auto bf16 = run("serving.kv_cache_dtype=bf16", "bf16");
  const auto fp8 = run("serving.kv_cache_dtype=fp8", "fp8");
  REQUIRE(bf16.exit_code == 0);
  REQUIRE(fp8.exit_code == 0);
  const double blocks = figure_after(bf16.out, "KV cache ");
  CHECK(figure_after(fp8.out, "KV cache ") >= 2 * blocks);
  CHECK(figure_after(fp8.out, "KV cache ") <= 2 * blocks + 1);
  CHECK_THAT(test::read_text(dir / "fp8" / "resolved.yaml"), Contains("kv_cache_dtype: fp8"));
  const auto bad = run("serving.kv_cache_dtype=fp16", "fp16");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("serving.kv_cache_dtype") && Contains("expected bf16 or fp8"));
}
