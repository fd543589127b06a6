// The KV cache rules of models/kv_cache_layout.h as the layer operators and the memory plan
// apply them: whole KV heads per tensor-parallel GPU (replicated past their count), the mla
// latent on every GPU, window layers bounded by their size, and the KV cache dtype. Every
// figure is worked out by hand in the comments.

#include <catch2/catch.hpp>

#include "models/engine/serving/memory_plan.h"
#include "models/kv_cache_layout.h"
#include "models/layer_operators.h"
#include "models/model_card_loader.h"
#include "support/layer_cards.h"
#include "support/scenario_files.h"

using moesim::BatchShape;
using moesim::Dtype;
using moesim::LayerOperator;
using moesim::ParallelLayout;
using moesim::SchedulerLimits;
using moesim::WeightFormat;

namespace {

// Short names for the support helpers this file uses throughout.
constexpr auto card = moesim::test::catalogue_card;
constexpr auto op = moesim::test::layer_op;

/// Layouts as {data_parallel, expert_parallel, tensor_parallel, pipeline_parallel}.
moesim::MemoryPlan plan(const moesim::ModelCard& c, ParallelLayout layout, Dtype kv,
                        double memory = 1e12) {
  return moesim::plan_memory(c, layout, SchedulerLimits{64, 2048}, 16, kv, memory, 0.9, "g");
}

}  // namespace

TEST_CASE("each tensor-parallel GPU holds whole KV heads, and all of an mla latent", "[kv_cache]") {
  const auto qwen = card("Qwen3-235B-A22B");  // 4 KV heads
  CHECK(moesim::kv_share_per_gpu(qwen.attention, 1) == 1.0);
  CHECK(moesim::kv_share_per_gpu(qwen.attention, 2) == 0.5);
  CHECK(moesim::kv_share_per_gpu(qwen.attention, 4) == 0.25);
  // TP8 over 4 heads: ceil(4 / 8) = 1 head per GPU, a quarter of the cache, not an eighth.
  CHECK(moesim::kv_share_per_gpu(qwen.attention, 8) == 0.25);
  // DeepSeek-V3's latent serves every head: each GPU keeps all of it.
  CHECK(moesim::kv_share_per_gpu(card("DeepSeek-V3").attention, 8) == 1.0);
  CHECK(moesim::kv_share_per_gpu(card("Mixtral-8x7B").attention, 16) == 0.125);
}

TEST_CASE("the memory plan replicates KV heads and the mla latent across TP", "[kv_cache]") {
  // DeepSeek-V3 at TP8: 61 layers x (512 + 64) latent x 2 B = 70,272 B per token on every GPU
  // (dividing by 8 gave 8,784).
  CHECK(plan(card("DeepSeek-V3"), ParallelLayout{1, 1, 8, 1}, Dtype::kBf16).kv_bytes_per_token ==
        70'272.0);
  // Qwen3-235B at TP8: 94 layers x 2 x 4 x 128 elements x 2 B / 4 (one of 4 heads per GPU)
  // = 48,128 B per token (dividing by 8 gave 24,064); fp8 halves it.
  const auto qwen = card("Qwen3-235B-A22B");
  CHECK(plan(qwen, ParallelLayout{1, 1, 8, 1}, Dtype::kBf16).kv_bytes_per_token == 48'128.0);
  CHECK(plan(qwen, ParallelLayout{1, 1, 8, 1}, Dtype::kFp8).kv_bytes_per_token == 24'064.0);
  // At TP4 the heads divide: 94 x 1,024 x 2 / 4 = 48,128 as well.
  CHECK(plan(qwen, ParallelLayout{1, 1, 4, 1}, Dtype::kBf16).kv_bytes_per_token == 48'128.0);
}

TEST_CASE("window layers reserve size x max_num_seqs tokens, full layers size the blocks",
          "[kv_cache]") {
  const auto oss = card("gpt-oss-120b");
  // 36 layers, the even ones sliding (128 tokens), the odd ones full: 18 of each. One layer
  // caches 2 x 8 x 64 = 1,024 elements per token, 2,048 B in bf16.
  CHECK(moesim::is_window_layer(oss, 0));
  CHECK_FALSE(moesim::is_window_layer(oss, 1));
  const auto tp1 = plan(oss, ParallelLayout{1, 1, 1, 1}, Dtype::kBf16);
  CHECK(tp1.kv_bytes_per_token == 18.0 * 2048);          // 36,864 B
  CHECK(tp1.window_kv_bytes == 18.0 * 128 * 64 * 2048);  // 301,989,888 B
  // TP8: one of 8 KV heads per GPU, an eighth of both; fp8 halves them again.
  const auto tp8 = plan(oss, ParallelLayout{1, 1, 8, 1}, Dtype::kFp8);
  CHECK(tp8.kv_bytes_per_token == 18.0 * 2048 / 8 / 2);          // 2,304 B
  CHECK(tp8.window_kv_bytes == 18.0 * 128 * 64 * 2048 / 8 / 2);  // 18,874,368 B
  // A model without windows reserves nothing.
  CHECK(plan(card("Qwen3-235B-A22B"), ParallelLayout{1, 1, 8, 1}, Dtype::kBf16).window_kv_bytes ==
        0.0);
}

TEST_CASE("gpt-oss weights: MXFP4 experts and bf16 for the rest", "[kv_cache]") {
  // Routed experts 36 x 128 x (3 x 2,880^2 + 3 x 2,880 biases) = 114,701,598,720 at 0.53125 B;
  // the other 2,127,557,952 of the 116,829,156,672 parameters at 2 B: 65,190,340,224 B, the
  // 65.18 GB of the released checkpoint files.
  const auto oss = card("gpt-oss-120b");
  CHECK(plan(oss, ParallelLayout{1, 1, 1, 1}, Dtype::kBf16).weight_bytes ==
        Approx(65'190'340'224.0));
  CHECK(plan(oss, ParallelLayout{1, 1, 2, 1}, Dtype::kBf16).weight_bytes ==
        Approx(65'190'340'224.0 / 2));
}

TEST_CASE("window layers read at most their window, the KV dtype sets the cache bytes",
          "[kv_cache][layer_operators]") {
  const auto oss = card("gpt-oss-120b");
  // 10 prompt tokens attending to 500 keys, 4 decode tokens to 1,000.
  const BatchShape b{10, 500.0, 4, 1000.0};
  const auto load = moesim::balanced_expert_load(oss, b.tokens());
  const auto window = moesim::decoder_layer_operators(oss, 0, b, load, oss.weights, Dtype::kBf16);
  const auto full = moesim::decoder_layer_operators(oss, 1, b, load, oss.weights, Dtype::kBf16);
  const auto fp8 = moesim::decoder_layer_operators(oss, 1, b, load, oss.weights, Dtype::kFp8);
  // Window layer: 4 decode tokens x 128 keys x 1,024 elements x 2 B = 1,048,576 B read; keys
  // 10 x 128 + 4 x 128 = 1,792 for 4 x keys x 64 heads x 64 FLOPs.
  CHECK(op(window, "attention.core").kv_read_bytes == 4.0 * 128 * 1024 * 2);
  CHECK(op(window, "attention.core").flops == 4.0 * 1792 * 64 * 64);
  // Full layer: 4 x 1,000 x 1,024 x 2 = 8,192,000 B; keys 10 x 500 + 4 x 1,000 = 9,000.
  CHECK(op(full, "attention.core").kv_read_bytes == 4.0 * 1000 * 1024 * 2);
  CHECK(op(full, "attention.core").flops == 4.0 * 9000 * 64 * 64);
  // fp8 cache: 1 B per element read, and 14 tokens x 1,024 B written.
  CHECK(op(fp8, "attention.core").kv_read_bytes == 4.0 * 1000 * 1024);
  CHECK(op(fp8, "attention.core").kv_write_bytes == 14.0 * 1024);
  // 14 tokens x top-4 = 56 experts activated, each 3 x 2,880^2 MXFP4 weights at 0.53125 B.
  CHECK(op(full, "moe.experts").weight_bytes == Approx(56.0 * 3 * 2880 * 2880 * 0.53125));
}

TEST_CASE("GEMMs compute at their weights' dtype, the attention core in bf16",
          "[kv_cache][layer_operators]") {
  const auto oss = card("gpt-oss-120b");
  const BatchShape b{0, 0.0, 2, 100.0};
  const auto o = moesim::decoder_layer_operators(oss, 1, b, moesim::balanced_expert_load(oss, 2),
                                                 oss.weights, Dtype::kBf16);
  CHECK(op(o, "moe.experts").compute_dtype == "fp4");
  CHECK(op(o, "attention.qkv").compute_dtype == "bf16");
  const auto v3 = card("DeepSeek-V3");
  const auto d = moesim::decoder_layer_operators(v3, 3, b, moesim::balanced_expert_load(v3, 2),
                                                 v3.weights, Dtype::kFp8);
  CHECK(op(d, "attention.qkv").compute_dtype == "fp8");
  CHECK(op(d, "moe.experts").compute_dtype == "fp8");
  CHECK(op(d, "moe.router").compute_dtype == "fp8");
  CHECK(op(d, "attention.core").compute_dtype == "bf16");
  const auto head = moesim::embedding_and_head_operators(oss, 2, 2, oss.weights.others);
  CHECK(op(head, "lm_head").compute_dtype == "bf16");
}
