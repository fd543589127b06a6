// Operators of a decoder layer from a model card: FLOPs and bytes worked out by hand for a GQA
// model (Mixtral-8x7B) and an MLA model with dense and shared layers (DeepSeek-V3).

#include <catch2/catch.hpp>

#include "models/engine/serving/rank_load.h"
#include "models/layer_operators.h"
#include "models/model_card_loader.h"
#include "support/layer_cards.h"
#include "support/scenario_files.h"

using moesim::BatchShape;
using moesim::Dtype;
using moesim::LayerOperator;
using moesim::WeightFormat;

namespace {

// Short names for the support helpers this file uses throughout.
constexpr auto card = moesim::test::catalogue_card;
constexpr auto op = moesim::test::layer_op;

}  // namespace

TEST_CASE("Mixtral-8x7B layer: GQA attention and top-2 experts", "[layer_operators]") {
  const auto m = card("Mixtral-8x7B");
  // 100 prompt tokens attending to 50 keys on average, 10 decode tokens with 1000 keys each.
  BatchShape b{100, 50.0, 10, 1000.0};
  const auto load = moesim::balanced_expert_load(m, b.tokens());
  // 110 tokens x top-2 = 220 selections over 8 experts: 27 or 28 each, all 8 activated.
  CHECK(load[0] == 28);
  CHECK(load[7] == 27);
  const auto ops = moesim::decoder_layer_operators(
      m, 0, b, load, {WeightFormat::kBf16, WeightFormat::kBf16}, Dtype::kBf16);
  // q/k/v: 2 x 110 x 4096 x (32 + 2 x 8) x 128 FLOPs; weights 4096 x 48 x 128 x 2 B.
  CHECK(op(ops, "attention.qkv").flops == Approx(2.0 * 110 * 4096 * 48 * 128));
  CHECK(op(ops, "attention.qkv").weight_bytes == Approx(4096.0 * 48 * 128 * 2));
  // Core: 4 x keys x 32 heads x 128, keys = 100 x 50 + 10 x 1000 = 15,000.
  CHECK(op(ops, "attention.core").flops == Approx(4.0 * 15000 * 32 * 128));
  // Decode reads 10 x 1000 cached tokens of 2 x 8 x 128 bf16 elements; all 110 tokens write one.
  CHECK(op(ops, "attention.core").kv_read_bytes == Approx(10.0 * 1000 * 2 * 8 * 128 * 2));
  CHECK(op(ops, "attention.core").kv_write_bytes == Approx(110.0 * 2 * 8 * 128 * 2));
  // Router: 2 x 110 x 4096 x 8.
  CHECK(op(ops, "moe.router").flops == Approx(2.0 * 110 * 4096 * 8));
  // Experts: 2 x 3 x 4096 x 14336 per selection, 220 selections; 8 experts' weights in bf16.
  CHECK(op(ops, "moe.experts").flops == Approx(6.0 * 4096 * 14336 * 220));
  CHECK(op(ops, "moe.experts").weight_bytes == Approx(8.0 * 3 * 4096 * 14336 * 2));
  CHECK(ops.size() == 5);  // no shared experts in Mixtral
}

TEST_CASE("fewer activated experts read fewer weights", "[layer_operators]") {
  const auto m = card("Mixtral-8x7B");
  BatchShape one{0, 0.0, 1, 100.0};
  std::vector<uint64_t> load(8, 0);
  load[2] = load[5] = 1;  // one token, top-2: 2 experts activated
  const auto ops = moesim::decoder_layer_operators(
      m, 3, one, load, {WeightFormat::kBf16, WeightFormat::kBf16}, Dtype::kBf16);
  CHECK(op(ops, "moe.experts").weight_bytes == Approx(2.0 * 3 * 4096 * 14336 * 2));
  CHECK(op(ops, "moe.experts").flops == Approx(6.0 * 4096 * 14336 * 2));
  CHECK_THROWS_AS(moesim::decoder_layer_operators(
                      m, 32, one, load, {WeightFormat::kBf16, WeightFormat::kBf16}, Dtype::kBf16),
                  std::invalid_argument);
  CHECK_THROWS_AS(moesim::decoder_layer_operators(
                      m, 0, one, {1, 1}, {WeightFormat::kBf16, WeightFormat::kBf16}, Dtype::kBf16),
                  std::invalid_argument);
}

TEST_CASE("DeepSeek-V3 layers: MLA latent cache, dense first layers, shared expert",
          "[layer_operators]") {
  const auto d = card("DeepSeek-V3");
  BatchShape decode{0, 0.0, 4, 2000.0};
  const auto load = moesim::balanced_expert_load(d, 4);
  // Layer 0 is dense (first_dense 3): attention and one FFN of width 18432.
  const auto dense = moesim::decoder_layer_operators(
      d, 0, decode, load, {WeightFormat::kFp8Block, WeightFormat::kBf16}, Dtype::kBf16);
  CHECK(op(dense, "dense.ffn").flops == Approx(6.0 * 7168 * 18432 * 4));
  // The MLA cache holds kv_lora 512 + rope 64 = 576 bf16 elements per token: decode reads
  // 4 x 2000 x 576 x 2 B.
  CHECK(op(dense, "attention.core").kv_read_bytes == Approx(4.0 * 2000 * 576 * 2));
  // Scores over nope + rope (192) and values over v (128) per head: 2 x 8000 keys x 128 x 320.
  CHECK(op(dense, "attention.core").flops == Approx(2.0 * 8000 * 128 * 320));
  // Layer 3 is MoE: 32 selections over 256 experts activate 32; fp8 expert weights with block
  // scales: 32 x 3 x 7168 x 2048 x (1 + 4 / 16384) B; one shared expert of width 2048.
  const auto moe = moesim::decoder_layer_operators(
      d, 3, decode, load, {WeightFormat::kFp8Block, WeightFormat::kBf16}, Dtype::kBf16);
  CHECK(op(moe, "moe.experts").weight_bytes == Approx(32.0 * 3 * 7168 * 2048 * (1 + 4.0 / 16384)));
  CHECK(op(moe, "moe.shared").flops == Approx(6.0 * 7168 * 2048 * 4));
}

TEST_CASE("weight formats count their scales", "[layer_operators]") {
  // bf16 2 B; fp8 1 B + an fp32 scale per 128x128 block; int4 0.5 B + an fp16 scale per 128;
  // MXFP4 0.5 B + an 8-bit exponent per 32.
  CHECK(moesim::bytes_per_weight(WeightFormat::kBf16) == 2.0);
  CHECK(moesim::bytes_per_weight(WeightFormat::kFp8Block) == Approx(1.0 + 4.0 / 16384));
  CHECK(moesim::bytes_per_weight(WeightFormat::kInt4) == Approx(0.5 + 2.0 / 128));
  CHECK(moesim::bytes_per_weight(WeightFormat::kMxfp4) == Approx(0.53125));
}

TEST_CASE("embedding gathers rows, the LM head multiplies by the vocabulary", "[layer_operators]") {
  const auto m = card("Mixtral-8x7B");
  const auto ops = moesim::embedding_and_head_operators(m, 110, 20, WeightFormat::kBf16);
  // Embedding: 110 rows of 4096 bf16 weights read, no FLOPs.
  CHECK(op(ops, "embedding").flops == 0.0);
  CHECK(op(ops, "embedding").weight_bytes == Approx(110.0 * 4096 * 2));
  // LM head for 20 tokens: 2 x 20 x 4096 x 32000 FLOPs; 4096 x 32000 bf16 weights.
  CHECK(op(ops, "lm_head").flops == Approx(2.0 * 20 * 4096 * 32000));
  CHECK(op(ops, "lm_head").weight_bytes == Approx(4096.0 * 32000 * 2));
}

TEST_CASE("a prompt chunk attends to its cache and, causally, half of itself",
          "[layer_operators]") {
  // Two prompts in one step: 100 new tokens after 0 cached, 300 new after 1000 cached; a decode.
  moesim::ScheduledBatch batch;
  batch.items = {{nullptr, 100, 0, true}, {nullptr, 300, 1000, true}, {nullptr, 1, 500, false}};
  const moesim::RankLoad load = moesim::rank_load(batch);
  CHECK(load.prefill_tokens == 400);
  CHECK(load.prefill_context == Approx((300.0 * 1000) / 400));  // 750 cached keys
  // (100 x 50 + 300 x (1000 + 150)) / 400 = (5,000 + 345,000) / 400 = 875 keys.
  CHECK(load.prefill_attended == Approx(875.0));
  CHECK(load.decodes == 1);
  CHECK(load.decode_context == 500);

  // A whole 1,000-token prompt on Mixtral (32 heads of 128): 4 x 1000 x 500 x 32 x 128 FLOPs
  // in the attention core, not 0 as for a chunk that attended to its cache alone.
  const auto m = card("Mixtral-8x7B");
  moesim::ScheduledBatch prompt;
  prompt.items = {{nullptr, 1000, 0, true}};
  const moesim::RankLoad one = moesim::rank_load(prompt);
  const BatchShape b{1000, one.prefill_attended, 0, 0.0};
  const auto ops = moesim::decoder_layer_operators(m, 0, b, moesim::balanced_expert_load(m, 1000),
                                                   m.weights, Dtype::kBf16);
  CHECK(op(ops, "attention.core").flops == Approx(4.0 * 1000 * 500 * 32 * 128));
}
