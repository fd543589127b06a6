// Streamed weights (serving.weights: host, docs/serving.md "Streamed weights"): the layers'
// double-buffered schedule, an iteration of a tiny card checked by hand in the transfer-bound
// and the GPU-bound case, the memory plan with the KV cache in host memory, the keys' errors,
// and throughput growing with the host KV cache.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "cli/app/serving_run.h"
#include "models/engine/serving/memory_plan.h"
#include "models/engine/serving/weight_stream_schedule.h"
#include "models/hf_config_loader.h"
#include "models/strategies/strategy_catalog.h"
#include "support/scenario_files.h"

using namespace moesim;
using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

/// A tiny Mixtral: hidden 1024, 2 layers, 4 experts of width 2048 (top-2), 8 heads of 128 with
/// 2 KV heads, a vocabulary of 1024; bf16. Per layer, weights in bytes (2 per element):
///   qkv 1024 x (8 + 2 x 2) x 128 = 1,572,864 elements   3,145,728
///   out 8 x 128 x 1024 = 1,048,576                      2,097,152
///   router 1024 x 4                                         8,192
///   experts 4 x 3 x 1024 x 2048 = 25,165,824           50,331,648
///   layer                                              55,582,720
/// KV per token and layer: 2 x 2 x 128 elements = 1,024 bytes.
constexpr const char* kTinyConfig = R"({
  "architectures": ["MixtralForCausalLM"], "model_type": "mixtral",
  "hidden_size": 1024, "intermediate_size": 2048, "num_hidden_layers": 2,
  "num_attention_heads": 8, "num_key_value_heads": 2, "num_local_experts": 4,
  "num_experts_per_tok": 2, "vocab_size": 1024, "sliding_window": null,
  "tie_word_embeddings": false, "rms_norm_eps": 1e-05, "torch_dtype": "bfloat16"
})";

/// Round figures for the arithmetic: one peak of 10 TFLOP/s for every operator, 1,000 GB/s of
/// GPU memory, 10 GB/s of host link; the two Xeon 8380 sockets give 2 x 204.8 = 409.6 GB/s and
/// 2 x 5.888 = 11.776 TFLOP/s.
constexpr const char* kTinyScenario = R"(name: streamed_tiny
seed: 3
model:
  config_json: tiny.json
hardware:
  system: a40_xeon_server
  gpu_overrides: {peak_flops: "10 TFLOP/s", memory_bandwidth: "1000 GB/s"}
  link_overrides:
    pcie4_x16: {bandwidth: "10 GB/s"}
workload:
  closed_loop: {concurrency: 64, requests: 128, input_tokens: 100, output_tokens: 16}
routing:
  generator: uniform
serving:
  scheduler: vllm_v1
  max_num_seqs: 8192
  max_num_batched_tokens: 8192
  cost_model: roofline
  weights: host
  host:
    cpu: Xeon-Platinum-8380
    sockets: 2
    kv_cache: "1 GB"
)";

/// The tiny scenario in `dir`, with `from` replaced by `to` when given.
std::string write_tiny(const TempDir& dir, const std::string& from = "",
                       const std::string& to = "") {
  write_text(dir / "tiny.json", kTinyConfig);
  const std::string text = from.empty() ? kTinyScenario : replace_once(kTinyScenario, from, to);
  write_text(dir / "tiny.yaml", text);
  return (dir / "tiny.yaml").string();
}

/// One iteration of `decodes` sequences decoding at `context` tokens each.
IterationCost decode_iteration(ServingRun& run, uint32_t decodes, uint32_t context) {
  std::vector<ServingRequest> requests(decodes);
  ScheduledBatch batch;
  for (uint32_t i = 0; i < decodes; ++i) {
    requests[i].id = i;
    requests[i].routing_request = i;
    requests[i].input_tokens = context;
    requests[i].output_tokens = 2;
    batch.items.push_back({&requests[i], 1, context, false});
  }
  const std::vector<ScheduledBatch> batches{batch};
  return run.cost().iteration(batches);
}

double summary_figure(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + label.size()));
}

}  // namespace

TEST_CASE("streamed layers: the first transfer, then each layer beside the next transfer",
          "[serving]") {
  // Transfer-bound: 10 + max(10, 4, 1) + max(0, 4, 6) = 26; exposed: 10 + (10 - 4) = 16 of
  // streaming and 6 - 4 = 2 of CPU in the last layer; 4 + 4 + 16 + 2 = 26.
  const std::vector<StreamedLayer> slow_link{{10, 4, 1}, {10, 4, 6}};
  const StreamedSpan a = stream_layers(slow_link);
  CHECK(a.span_us == 26);
  CHECK(a.exposed_transfer_us == 16);
  CHECK(a.exposed_cpu_us == 2);
  // Compute-bound: 3 + max(3, 20, 5) + max(0, 20, 5) = 43, only the prologue exposed.
  const std::vector<StreamedLayer> fast_link{{3, 20, 5}, {3, 20, 5}};
  const StreamedSpan b = stream_layers(fast_link);
  CHECK(b.span_us == 43);
  CHECK(b.exposed_transfer_us == 3);
  CHECK(b.exposed_cpu_us == 0);
}

TEST_CASE("a streamed iteration of a tiny card, transfer-bound and GPU-bound, by hand",
          "[serving]") {
  TempDir dir("streamed-iteration");
  const StrategyCatalog& catalog = builtin_strategies();
  ServingRun run(load_scenario(write_tiny(dir), catalog), catalog);
  // Each layer's transfer: 55,582,720 B / 10 GB/s = 5,558.272 us.
  const double transfer = 5558.272;

  SECTION("one decode at 1,000 tokens of context: the link sets the pace") {
    // GPU per layer (memory-bound, bytes / 1e12 B/s): qkv 3,145,728 + 4,096 activations =
    // 3.149824 us; out 2,097,152 + 4,096 = 2.101248 us; router 8,192 + 2,048 + 16 logits =
    // 0.010256 us; two experts of one token, 2 x (12,582,912 + 4,096) = 25.174016 us. The
    // attention core has no prompt token: none on the GPU. Sum 30.435344 us.
    // CPU: (1,000 + 1) x 1,024 B of KV / 409.6 GB/s = 2.5025 us (FLOPs 4 x 1,000 x 8 x 128 /
    // 11.776 TFLOP/s = 0.35 us), under the GPU's 30.4 us: nothing exposed.
    // Layers: transfer + max(transfer, 30.435344, 2.5025) + max(0, 30.435344, 2.5025)
    // = 2 x 5,558.272 + 30.435344; exposed streaming 2 x 5,558.272 - 30.435344.
    // Embedding 2,048 + 2,048 B = 0.004096 us; LM head 2,097,152 + 2,048 + 4,096 B = 2.103296 us.
    const IterationCost c = decode_iteration(run, 1, 1000);
    const double gpu = 30.435344;
    CHECK(c.host_transfer_us == Approx(2 * transfer - gpu).epsilon(1e-9));
    CHECK(c.attention_us == Approx(0).margin(1e-9));
    CHECK(c.moe_us == Approx(2 * 25.174016).epsilon(1e-9));
    CHECK(c.duration.microseconds() ==
          Approx(2 * transfer + gpu + 0.004096 + 2.103296).epsilon(1e-9));  // 11,149.086736
  }
  SECTION("8,192 decodes at 10 tokens of context: the GPU sets the pace") {
    // GPU per layer (compute-bound at 10 TFLOP/s): qkv 2 x 8,192 x 1,024 x 1,536 FLOPs =
    // 2,576.9803776 us; out 2 x 8,192 x 1,024 x 1,024 = 1,717.9869184 us; router memory-bound,
    // 8,192 + 8,192 x (2,048 + 16) B = 16.91648 us; experts 2 x 3 x 1,024 x 2,048 x 16,384 pairs
    // = 20,615.8430208 us however the pairs split. Sum 24,927.7267968 us, above the transfer.
    // CPU: 8,192 x 11 x 1,024 B / 409.6 GB/s = 225.28 us, hidden.
    // Layers: transfer + 2 x 24,927.7267968; only the prologue's transfer is exposed.
    // Embedding 2 x 8,192 x 2,048 B = 33.554432 us; LM head 2 x 8,192 x 1,024 x 1,024 FLOPs =
    // 1,717.9869184 us.
    const IterationCost c = decode_iteration(run, 8192, 10);
    const double gpu = 2576.9803776 + 1717.9869184 + 16.91648 + 20615.8430208;
    CHECK(c.host_transfer_us == Approx(transfer).epsilon(1e-9));
    CHECK(c.attention_us == Approx(0).margin(1e-9));
    CHECK(c.moe_us == Approx(2 * 20615.8430208).epsilon(1e-6));
    CHECK(c.duration.microseconds() ==
          Approx(transfer + 2 * gpu + 33.554432 + 1717.9869184).epsilon(1e-6));  // 57,165.27
  }
}

TEST_CASE("streamed weights put the KV cache in host memory", "[serving]") {
  TempDir dir("streamed-memory");
  write_text(dir / "tiny.json", kTinyConfig);
  const ModelCard card = load_hf_config(dir / "tiny.json");
  HostOffload host;
  host.kv_cache_bytes = 1e9;
  const SchedulerLimits limits{8192, 8192};
  const MemoryPlan plan =
      plan_memory(card, ParallelLayout{}, limits, 16, Dtype::kBf16, 48e9, 0.9, "A40", &host);
  CHECK(plan.streamed);
  // 2 layers x 1,024 B per token, 16 tokens a block: 1e9 / 32,768 = 30,517.6 -> 30,517 blocks,
  // whatever the GPU's memory.
  CHECK(plan.kv_bytes_per_token == 2048);
  CHECK(plan.kv_blocks == 30517);
  // The GPU holds both layers (2 x 55,582,720) and the embedding and LM head (2 x 1,024 x
  // 1,024 x 2); the host the whole model, here the same bytes.
  CHECK(plan.weight_bytes == 2 * 55582720.0 + 4194304.0);
  CHECK(plan.host_weight_bytes == plan.weight_bytes);
  const MemoryPlan small =
      plan_memory(card, ParallelLayout{}, limits, 16, Dtype::kBf16, 1e9, 0.9, "A40", &host);
  CHECK(small.kv_blocks == plan.kv_blocks);
  host.kv_cache_bytes = 1000;  // less than one block
  CHECK_THROWS_WITH(
      plan_memory(card, ParallelLayout{}, limits, 16, Dtype::kBf16, 48e9, 0.9, "A40", &host),
      Contains("serving.host.kv_cache"));
}

TEST_CASE("streamed weights keys exit 2 naming the key", "[serving][cli]") {
  TempDir dir("streamed-keys");
  const auto fails_with = [&](const std::string& from, const std::string& to,
                              const std::string& message) {
    const std::string path = write_tiny(dir, from, to);
    const auto r = run_cli({"run", path, "--out", (dir / "o").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(message));
  };
  fails_with("weights: host", "weights: disk", "serving.weights: expected gpu or host");
  fails_with("  weights: host\n", "", "serving.host: only with weights: host");
  fails_with("cpu: Xeon-Platinum-8380", "cpu: Xeon-9",
             "serving.host.cpu: unknown CPU \"Xeon-9\" (cpus.yaml has: ");
  fails_with("sockets: 2", "sockets: 0", "serving.host.sockets");
  fails_with("kv_cache: \"1 GB\"", "kv_cache: \"0 GB\"", "serving.host.kv_cache: must be positive");
  fails_with("  host:\n    cpu: Xeon-Platinum-8380\n    sockets: 2\n    kv_cache: \"1 GB\"\n", "",
             "serving.weights: weights: host needs a serving.host block");
  fails_with("  cost_model: roofline", "  cost_model: {name: operator_database}",
             "serving.cost_model: the operator_database cost model (use cost_model: roofline) is "
             "not modelled with weights: host");
  fails_with("  cost_model: roofline\n", "",
             "serving.cost_model: weights: host is modelled by the roofline cost model only");
  fails_with("  cost_model: roofline", "  cost_model: roofline\n  two_batch_overlap: true",
             "serving.two_batch_overlap: two-batch overlap is not modelled with weights: host");
}

TEST_CASE("streamed weights refuse layouts of several GPUs", "[serving][cli]") {
  TempDir dir("streamed-layouts");
  const std::string machine = "  system: a40_xeon_server\n  gpus: 2\n";
  write_text(dir / "tiny.json", kTinyConfig);
  for (const std::string key : {"data_parallel", "tensor_parallel", "pipeline_parallel"}) {
    CAPTURE(key);
    const std::string text =
        replace_once(replace_once(kTinyScenario, "  system: a40_xeon_server\n", machine),
                     "  cost_model: roofline", "  cost_model: roofline\n  " + key + ": 2");
    write_text(dir / "tiny.yaml", text);
    const auto r = run_cli({"run", (dir / "tiny.yaml").string(), "--out", (dir / "o").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("serving." + key + ": " + key +
                               " 2 is not modelled with weights: "
                               "host"));
  }
}

TEST_CASE("more host KV cache gives at least as much streamed throughput", "[serving][cli]") {
  TempDir dir("streamed-kv");
  double last = 0;
  for (const char* kv : {"2 MB", "8 MB", "64 MB"}) {
    CAPTURE(kv);
    const std::string path =
        write_tiny(dir, "kv_cache: \"1 GB\"", std::string("kv_cache: \"") + kv + "\"");
    const auto r = run_cli({"run", path, "--out", (dir / "o").string(), "--no-trace"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("KV cache in host memory") && Contains("weight streaming"));
    const double tput = summary_figure(r.out, " s, ");
    CHECK(tput >= last);
    last = tput;
  }
}
