// The scenario `model:` block may name a catalogue card or a Hugging Face config.json; explicit
// keys override it, and a bad config.json stops the run with exit 2 naming the field.

#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::TempDir;

namespace {

const std::string kRest =
    "hardware: {builder: hgx, gpu: H100-SXM, gpus: 8}\nworkload: {tokens: 64}\nrouting: {}\n";

moesim::ScenarioConfig load(const TempDir& dir, const std::string& model_block) {
  moesim::test::write_text(dir / "s.yaml", "name: m\nmodel:\n" + model_block + kRest);
  return moesim::load_scenario((dir / "s.yaml").string(), moesim::builtin_strategies());
}

}  // namespace

TEST_CASE("a model card gives the layer shape, explicit keys override it", "[model_block]") {
  TempDir dir("model");
  const auto c = load(dir, "  card: Qwen3-30B-A3B\n");
  // Qwen3-30B-A3B: hidden 2048, 128 experts of FFN 768, top-8, bf16.
  CHECK(c.model.hidden_size == 2048);
  CHECK(c.model.expert_ffn_size == 768);
  CHECK(c.model.num_experts == 128);
  CHECK(c.model.top_k == 8);
  const auto overridden = load(dir, "  card: Qwen3-30B-A3B\n  top_k: 4\n");
  CHECK(overridden.model.top_k == 4);
  CHECK_THROWS_WITH(load(dir, "  card: Qwen9\n"), Contains("model.card: unknown model card"));
}

TEST_CASE("a config.json beside the scenario gives the layer shape", "[model_block]") {
  TempDir dir("model");
  moesim::test::write_text(
      dir / "config.json",
      moesim::test::read_text(moesim::test::source_path("tests/data/hf/mixtral.json")));
  const auto c = load(dir, "  config_json: config.json\n");
  CHECK(c.model.num_experts == 8);
  CHECK(c.model.top_k == 2);
}

TEST_CASE("a bad config.json exits 2 naming the field", "[model_block]") {
  TempDir dir("model");
  std::string json =
      moesim::test::read_text(moesim::test::source_path("tests/data/hf/mixtral.json"));
  const size_t at = json.find("\"num_local_experts\"");
  REQUIRE(at != std::string::npos);
  json.replace(at, std::string("\"num_local_experts\"").size(), "\"num_local_expertz\"");
  moesim::test::write_text(dir / "config.json", json);
  moesim::test::write_text(dir / "s.yaml", "name: m\nmodel:\n  config_json: config.json\n" + kRest);
  const auto r =
      moesim::test::run_cli({"run", (dir / "s.yaml").string(), "--out", (dir / "o").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("config.json") && Contains("num_local_experts"));
}
