// Hugging Face config.json files read into model cards: each supported model_type gives the
// same parameter counts as the catalogue card of the same model, and a missing field or an
// unknown model_type is a ConfigError naming the file and the field.

#include <catch2/catch.hpp>

#include "models/hf_config_loader.h"
#include "models/model_card_loader.h"
#include "models/parameter_count.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::ModelCard;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::source_path;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

ModelCard fixture(const std::string& name) {
  return moesim::load_hf_config(source_path("tests/data/hf/" + name + ".json"));
}

ModelCard catalogue_card(const std::string& name) {
  return moesim::load_model_card(source_path("models/catalogue/" + name + ".yaml"));
}

/// The error of loading `text` as config.json.
std::string config_error(const std::string& text) {
  TempDir dir("hf-config");
  write_text(dir / "config.json", text);
  try {
    moesim::load_hf_config(dir / "config.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("the config loaded, but a ConfigError was expected");
  return {};
}

}  // namespace

TEST_CASE("config.json of each model type counts like its catalogue card", "[model_cards]") {
  // Each fixture holds the real field names and the released model's values.
  const std::pair<const char*, const char*> pairs[] = {
      {"mixtral", "Mixtral-8x7B"},    {"qwen3_moe", "Qwen3-30B-A3B"},
      {"deepseek_v3", "DeepSeek-V3"}, {"deepseek_v2", "DeepSeek-V2-Lite"},
      {"olmoe", "OLMoE-1B-7B"},       {"gpt_oss", "gpt-oss-120b"},
      {"llama4", "Llama-4-Scout"},
  };
  for (const auto& [file, card_name] : pairs) {
    INFO(file);
    const ModelCard hf = fixture(file);
    const ModelCard card = catalogue_card(card_name);
    CHECK(hf.name == file);
    CHECK(hf.model_type == card.model_type);
    CHECK(hf.moe_layer_count() == card.moe_layer_count());
    CHECK(hf.top_k == card.top_k);
    CHECK(hf.router.scoring == card.router.scoring);
    CHECK(hf.router.normalize_topk == card.router.normalize_topk);
    CHECK(hf.attention.qk_norm == card.attention.qk_norm);
    const auto a = moesim::count_parameters(hf);
    const auto b = moesim::count_parameters(card);
    CHECK(a.total() == b.total());
    CHECK(a.active() == b.active());
  }
}

TEST_CASE("config.json fields map onto the card", "[model_cards]") {
  const ModelCard mixtral = fixture("mixtral");
  // head_dim absent: hidden_size / num_attention_heads = 4096 / 32.
  CHECK(mixtral.attention.head_dim == 128);
  CHECK(mixtral.attention.type == moesim::AttentionType::kGqa);
  CHECK_FALSE(mixtral.attention.window.has_value());  // sliding_window null
  CHECK(mixtral.dtype == moesim::Dtype::kBf16);

  const ModelCard qwen = fixture("qwen3_moe");
  CHECK(qwen.expert_intermediate_size == 768);
  CHECK(qwen.dense_intermediate_size == 6144);
  CHECK(qwen.num_routed_experts == 128);

  const ModelCard v3 = fixture("deepseek_v3");
  // first_k_dense_replace 3 of 61 layers; noaux_tc selection with a score bias; fp8 weights.
  CHECK(v3.moe_layers.first_dense == 3);
  CHECK(v3.moe_layer_count() == 58);
  CHECK(v3.router.score_bias);
  CHECK(v3.router.routed_scaling_factor == 2.5);
  CHECK(v3.router.n_group == 8);
  CHECK(v3.mtp_layers == 1);
  CHECK(v3.dtype == moesim::Dtype::kFp8);
  // weight_block_size [128, 128]: every weight fp8 with 128 x 128 block scales.
  CHECK(v3.weights.experts == moesim::WeightFormat::kFp8Block);
  CHECK(v3.weights.others == moesim::WeightFormat::kFp8Block);
  CHECK(v3.attention.q_lora_rank == 1536);

  // q_lora_rank null: queries are not compressed.
  CHECK(fixture("deepseek_v2").attention.q_lora_rank == 0);

  const ModelCard oss = fixture("gpt_oss");
  REQUIRE(oss.attention.window.has_value());
  // layer_types alternate sliding, full: full layers 1, 3, 5, ...
  CHECK(oss.attention.window->full_every == 2);
  CHECK(oss.attention.window->full_offset == 1);
  // quant_method mxfp4: the routed experts only; torch_dtype bf16 for the rest.
  CHECK(oss.weights.experts == moesim::WeightFormat::kMxfp4);
  CHECK(oss.weights.others == moesim::WeightFormat::kBf16);

  // The vision tower from vision_config equals the figure written in the Scout card.
  CHECK(fixture("llama4").vision_encoder_params == 871'932'416);
}

TEST_CASE("bad config.json files are ConfigErrors naming the field", "[model_cards]") {
  const std::string mixtral = read_text(source_path("tests/data/hf/mixtral.json"));
  SECTION("a missing field") {
    CHECK_THAT(config_error(replace_once(mixtral, "  \"num_local_experts\": 8,\n", "")),
               Contains("config.json:") && Contains("missing field 'num_local_experts'"));
  }
  SECTION("an unknown model_type") {
    const std::string err = config_error(
        replace_once(mixtral, "\"model_type\": \"mixtral\"", "\"model_type\": \"grok\""));
    CHECK_THAT(err, Contains("config.json:3: model_type: unknown model_type \"grok\"") &&
                        Contains("deepseek_v3"));
  }
  SECTION("a missing field of a nested text_config") {
    const std::string llama4 = read_text(source_path("tests/data/hf/llama4.json"));
    CHECK_THAT(config_error(replace_once(llama4, "    \"intermediate_size_mlp\": 16384,\n", "")),
               Contains("text_config: missing field 'intermediate_size_mlp'"));
  }
  SECTION("top-k above the number of experts") {
    CHECK_THAT(config_error(replace_once(mixtral, "\"num_experts_per_tok\": 2",
                                         "\"num_experts_per_tok\": 9")),
               Contains("num_experts_per_tok: must be between 1 and 8"));
  }
  SECTION("unevenly spaced full-attention layers") {
    const std::string oss = read_text(source_path("tests/data/hf/gpt_oss.json"));
    CHECK_THAT(config_error(replace_once(oss, "[\"sliding_attention\", \"full_attention\",",
                                         "[\"full_attention\", \"full_attention\",")),
               Contains("layer_types: full-attention layers are not evenly spaced"));
  }
}
