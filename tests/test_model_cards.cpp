// Model cards: the shipped catalogue loads, its computed parameter counts agree with the
// published figures, the layer maps pick the right layers, and bad cards are ConfigErrors
// naming file, line and key.

#include <cmath>

#include <catch2/catch.hpp>

#include "models/model_card_loader.h"
#include "models/parameter_count.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::ConfigError;
using moesim::ModelCard;
using moesim::ParameterCounts;
using moesim::PublishedCount;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const std::map<std::string, ModelCard>& shipped() {
  static const auto cards =
      moesim::load_model_catalogue(moesim::test::source_path("models/catalogue"));
  return cards;
}

/// Whether a computed count (billions) agrees with a published one: within 1%, or, for figures
/// published with too few digits for 1% (two significant digits), within what the figure can
/// stand for when rounded or cut to its digits: [v - r/2, v + r) for last-digit unit r.
bool agrees(double computed, const PublishedCount& published) {
  const double v = published.billions;
  const double r = published.resolution;
  return std::abs(computed - v) <= 0.01 * v || (computed >= v - r / 2 && computed < v + r);
}

}  // namespace

TEST_CASE("the catalogue has one card per roadmap model", "[model_cards]") {
  for (const char* name :
       {"Mixtral-8x7B", "Mixtral-8x22B", "DeepSeek-V2-Lite", "DeepSeek-V2", "DeepSeek-V3",
        "Qwen3-30B-A3B", "Qwen3-235B-A22B", "OLMoE-1B-7B", "gpt-oss-120b", "DBRX", "Llama-4-Scout",
        "Llama-4-Maverick", "Switch-base-128", "Qwen3-235B-A22B-FP8", "MiniMax-M2.5",
        "DeepSeek-R1"}) {
    INFO(name);
    REQUIRE(shipped().count(name) == 1);
    const ModelCard& card = shipped().at(name);
    CHECK(card.name == name);
    CHECK_FALSE(card.sources.empty());
    REQUIRE(card.official.has_value());
    CHECK_FALSE(card.official->source.empty());
  }
  CHECK(shipped().size() == 16);
}

TEST_CASE("computed parameter counts agree with the published figures", "[model_cards]") {
  // Exact counts from the formulas of docs/models.md (elements), cross-checked by an
  // independent script; published figures and their sources are in each card.
  struct Expected {
    const char* name;
    uint64_t total;
    uint64_t active;  // including the input embedding
  };
  const Expected expected[] = {
      {"Mixtral-8x7B", 46'702'792'704, 12'879'925'248},
      {"Mixtral-8x22B", 140'620'634'112, 39'152'031'744},
      {"DeepSeek-V2-Lite", 15'706'484'224, 2'661'150'208},
      {"DeepSeek-V2", 235'741'434'880, 21'375'800'320},
      {"DeepSeek-V3", 671'026'419'200, 37'552'297'472},
      {"DeepSeek-R1", 671'026'419'200, 37'552'297'472},  // DeepSeek-V3's architecture
      {"Qwen3-30B-A3B", 30'532'122'624, 3'353'032'704},
      {"Qwen3-235B-A22B", 235'093'634'560, 22'190'763'520},
      {"OLMoE-1B-7B", 6'919'161'856, 1'282'017'280},
      {"gpt-oss-120b", 116'829'156'672, 5'711'982'912},
      {"DBRX", 131'596'523'520, 36'469'708'800},
      {"Llama-4-Scout", 108'641'793'536, 17'172'894'720},
      {"Llama-4-Maverick", 401'583'781'376, 17'184'691'200},
      {"Switch-base-128", 7'415'217'408, 224'083'200},
      {"Qwen3-235B-A22B-FP8", 235'093'634'560, 22'190'763'520},  // the bf16 card's counts
      // 62 x (attention 44,040,192 + q/k norms 7,168 + norms 6,144 + router and bias 786,688
      // + 256 experts x 14,155,776) + embeddings 2 x 200,064 x 3,072 + final norm 3,072;
      // active: 8 experts per layer.
      {"MiniMax-M2.5", 228'689'764'864, 11'030'553'088},
  };
  for (const Expected& e : expected) {
    INFO(e.name);
    const ModelCard& card = shipped().at(e.name);
    const ParameterCounts counts = moesim::count_parameters(card);
    CHECK(counts.total() == e.total);
    CHECK(counts.active() == e.active);
    const auto& official = *card.official;
    INFO("computed total " << counts.total() / 1e9 << "B, published " << official.total.billions);
    CHECK(agrees(counts.total() / 1e9, official.total));
    if (official.active) {
      // gpt-oss and the DeepSeek models publish active counts without the input embedding
      // (OpenAI's README; DeepSeek-V3's README_WEIGHTS counts the output head only), so the
      // embedding is taken off before comparing.
      const uint64_t active = official.active_counts_input_embedding
                                  ? counts.active()
                                  : counts.active() - counts.input_embedding;
      INFO("computed active " << active / 1e9 << "B, published " << official.active->billions);
      CHECK(agrees(active / 1e9, *official.active));
    }
  }
  // The DeepSeek-V2-Lite-Chat checkpoint dump counts 15,706,484,224 tensors' elements.
  CHECK(moesim::count_parameters(shipped().at("DeepSeek-V2-Lite")).total() == 15'706'484'224);
}

TEST_CASE("a published figure stands for what its digits allow", "[model_cards]") {
  // 3.3 (unit 0.1): [3.25, 3.4) beyond the 1% band; 671 (unit 1): 1% is the wider band.
  CHECK(agrees(3.353, PublishedCount{3.3, 0.1}));
  CHECK_FALSE(agrees(3.41, PublishedCount{3.3, 0.1}));
  CHECK_FALSE(agrees(3.24, PublishedCount{3.3, 0.1}));
  CHECK(agrees(664.3, PublishedCount{671, 1}));
  CHECK_FALSE(agrees(664.2, PublishedCount{671, 1}));
}

TEST_CASE("Mixtral-8x7B counts by part", "[model_cards]") {
  const ParameterCounts c = moesim::count_parameters(shipped().at("Mixtral-8x7B"));
  // Embedding and head: 32000 x 4096 each.
  CHECK(c.input_embedding == 131'072'000);
  CHECK(c.lm_head == 131'072'000);
  // Attention: q and o 4096 x 4096, k and v 4096 x 1024, times 32 layers.
  CHECK(c.attention == 32ull * (2 * 4096 * 4096 + 2 * 4096 * 1024));
  // Experts: 3 x 4096 x 14336 each; 8 per layer, 2 active; router 8 x 4096.
  CHECK(c.routed_experts == 32ull * 8 * 3 * 4096 * 14336);
  CHECK(c.active_routed_experts == 32ull * 2 * 3 * 4096 * 14336);
  CHECK(c.routers == 32ull * 8 * 4096);
  // Two RMSNorms per layer and a final one.
  CHECK(c.norms == (32ull * 2 + 1) * 4096);
  CHECK(c.dense_ffn == 0);
  CHECK(c.shared_experts == 0);
}

TEST_CASE("layer maps pick the MoE layers of each convention", "[model_cards]") {
  const ModelCard& v3 = shipped().at("DeepSeek-V3");
  // first_k_dense_replace 3: layers 0-2 dense, 3-60 MoE.
  CHECK_FALSE(v3.moe_layers.is_moe(2));
  CHECK(v3.moe_layers.is_moe(3));
  CHECK(v3.moe_layer_count() == 58);
  const ModelCard& maverick = shipped().at("Llama-4-Maverick");
  // interleave_moe_layer_step 2: MoE layers 1, 3, ..., 47.
  CHECK_FALSE(maverick.moe_layers.is_moe(0));
  CHECK(maverick.moe_layers.is_moe(1));
  CHECK(maverick.moe_layers.is_moe(47));
  CHECK(maverick.moe_layer_count() == 24);
  // Switch: sparse step 2 in each of the 12-layer encoder and decoder.
  CHECK(shipped().at("Switch-base-128").moe_layer_count() == 12);
  CHECK(shipped().at("Qwen3-235B-A22B").moe_layer_count() == 94);
}

TEST_CASE("router and attention fields arrive as written", "[model_cards]") {
  const ModelCard& v3 = shipped().at("DeepSeek-V3");
  CHECK(v3.router.scoring == moesim::RouterScoring::kSigmoid);
  CHECK(v3.router.routed_scaling_factor == 2.5);
  CHECK(v3.router.n_group == 8);
  CHECK(v3.router.topk_group == 4);
  CHECK(v3.router.score_bias);
  CHECK(v3.mtp_layers == 1);
  CHECK(v3.attention.type == moesim::AttentionType::kMla);
  CHECK(v3.attention.kv_lora_rank + v3.attention.qk_rope_head_dim == 576);
  const ModelCard& oss = shipped().at("gpt-oss-120b");
  REQUIRE(oss.attention.window.has_value());
  CHECK(oss.attention.window->size == 128);
  CHECK(oss.attention.window->full_every == 2);
  CHECK(oss.router.router_bias);
  CHECK(shipped().at("Switch-base-128").router.expert_capacity == 64);
}

namespace {

/// The error of loading `text` as a card named M.
std::string card_error(const std::string& text) {
  TempDir dir("model-card");
  write_text(dir / "M.yaml", text);
  try {
    moesim::load_model_card(dir / "M.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("the card loaded, but a ConfigError was expected");
  return {};
}

}  // namespace

TEST_CASE("bad cards are ConfigErrors with file, line and key", "[model_cards]") {
  const std::string good =
      read_text(moesim::test::source_path("models/catalogue/Mixtral-8x7B.yaml"));
  const auto at = [&](const char* key) {
    return "M.yaml:" + std::to_string(moesim::test::line_of(good, key)) + ": ";
  };
  SECTION("the unedited card loads") {
    TempDir dir("model-card");
    write_text(dir / "M.yaml", good);
    CHECK(moesim::load_model_card(dir / "M.yaml").num_routed_experts == 8);
  }
  SECTION("a misspelt key") {
    CHECK_THAT(card_error(replace_once(good, "hidden_size:", "hiden_size:")),
               Contains(at("hidden_size:") + "hiden_size: unknown key") &&
                   Contains("did you mean 'hidden_size'"));
  }
  SECTION("a missing key") {
    CHECK_THAT(card_error(replace_once(good, "vocab_size: 32000\n", "")),
               Contains("M.yaml:") && Contains("missing required key 'vocab_size'"));
  }
  SECTION("a negative size") {
    CHECK_THAT(card_error(replace_once(good, "expert_intermediate_size: 14336",
                                       "expert_intermediate_size: -14336")),
               Contains(at("expert_intermediate_size:") + "expert_intermediate_size:"));
  }
  SECTION("an unknown scoring function") {
    CHECK_THAT(card_error(replace_once(good, "scoring: softmax", "scoring: sofmax")),
               Contains(at("scoring: softmax") + "router.scoring: unknown value \"sofmax\"") &&
                   Contains("softmax, sigmoid"));
  }
  SECTION("top_k above the number of experts") {
    CHECK_THAT(card_error(replace_once(good, "top_k: 2", "top_k: 9")),
               Contains(at("top_k:") + "top_k: must be between 1 and 8"));
  }
  SECTION("heads that kv heads do not divide") {
    CHECK_THAT(card_error(replace_once(good, "num_kv_heads: 8", "num_kv_heads: 7")),
               Contains("attention.num_kv_heads: must divide num_heads"));
  }
  SECTION("a layer map without MoE layers") {
    CHECK_THAT(card_error(replace_once(good, "first_dense: 0", "first_dense: 32")),
               Contains(at("moe_layers:") + "moe_layers: no layer is MoE"));
  }
  SECTION("a published count that is not a plain decimal") {
    CHECK_THAT(card_error(replace_once(good, "total_b: 46.7", "total_b: 4.67e1")),
               Contains("official_params.total_b: expected a positive decimal"));
  }
  SECTION("a missing catalogue directory") {
    CHECK_THROWS_AS(moesim::load_model_catalogue("/nonexistent/models"), ConfigError);
  }
}
