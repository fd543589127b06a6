// Routing generators chosen from a scenario's `routing:` block: each one loads and runs a layer
// pass, bad parameters are one-line ConfigErrors naming file, line and key, the same seed draws
// the same routing, and resolved.yaml reproduces the routing exactly.

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "cli/app/layer_simulation.h"
#include "cli/app/resolved_config.h"
#include "cli/app/scenario_loader.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using moesim::ScenarioConfig;
using moesim::test::TempDir;

namespace {

/// A small expert-parallel layer (8 GPUs, 512 tokens) with the given shape and routing block.
std::string scenario(const std::string& routing, uint32_t experts = 64, uint32_t top_k = 8) {
  return fmt::format(R"(name: routing_test
seed: 3
model: {{name: tiny, hidden_size: 256, expert_ffn_size: 512, num_experts: {}, top_k: {},
        dtype: bf16}}
hardware: {{builder: hgx, gpu: H100-SXM, gpus: 8}}
workload: {{tokens: 512}}
routing:
{}
)",
                     experts, top_k, routing);
}

ScenarioConfig load_text(const std::string& text) {
  TempDir dir("routing_scenario");
  moesim::test::write_text(dir / "scenario.yaml", text);
  return moesim::load_scenario((dir / "scenario.yaml").string(), moesim::builtin_strategies());
}

/// The ConfigError message after the file name (":line: key: ..."); fails if the text loads.
std::string load_error(const std::string& text) {
  TempDir dir("routing_scenario");
  const auto file = dir / "scenario.yaml";
  moesim::test::write_text(file, text);
  try {
    moesim::load_scenario(file.string(), moesim::builtin_strategies());
  } catch (const moesim::ConfigError& e) {
    const std::string message = e.what();
    CHECK_THAT(message, StartsWith(file.string() + ":"));
    CHECK(message.find('\n') == std::string::npos);
    return message.substr(file.string().size());
  }
  FAIL("the scenario loaded, but a ConfigError was expected");
  return {};
}

/// Runs the layer pass and returns its routing (every expert index checked to be in range and
/// distinct within a token).
moesim::TokenRouting run_layer(const ScenarioConfig& cfg) {
  moesim::LayerSimulation sim(cfg, moesim::builtin_strategies());
  sim.run();
  const moesim::TokenRouting& r = sim.routing();
  REQUIRE(r.tokens() == cfg.tokens);
  for (size_t t = 0; t < r.tokens(); ++t) {
    const auto c = r.choices(t);
    const std::set<uint32_t> distinct(c.begin(), c.end());
    REQUIRE(distinct.size() == c.size());
    REQUIRE((c.empty() || *distinct.rbegin() < cfg.model.num_experts));
  }
  return r;
}

const std::string kSynthetic =
    "  generator: synthetic\n  popularity: dirichlet\n  alpha: 0.5\n  segment: 256\n"
    "  transition_strength: 0.3\n  temporal_reuse: 0.2\n  k: {min: 1, max: 8, mean: 4}\n";

}  // namespace

TEST_CASE("every routing generator is selectable from a scenario and runs", "[routing_scenario]") {
  for (const char* block :
       {"  generator: uniform", "  generator: round_robin", "  {generator: zipf, skew: 1.2}",
        "  {generator: dirichlet, alpha: 0.5, segment: 64}",
        "  {generator: calibrated, model: OLMoE-1B-7B, domain: arxiv}"}) {
    INFO(block);
    const ScenarioConfig cfg = load_text(scenario(block));
    const moesim::TokenRouting r = run_layer(cfg);
    CHECK(r.experts.size() == size_t{512} * 8);  // fixed top-8
  }
  const ScenarioConfig synthetic = load_text(scenario(kSynthetic));
  CHECK(synthetic.routing.name == "synthetic");
  const moesim::Params& p = synthetic.routing.params;
  CHECK(p.text("popularity") == "dirichlet");
  CHECK(p.real("alpha") == 0.5);
  CHECK(p.real("transition_strength") == 0.3);
  CHECK(p.real("temporal_reuse") == 0.2);
  REQUIRE(p.has("k.max"));
  CHECK(p.whole("k.max") == 8);
  // Dynamic k: between 1 and 8 per token, 4 on average (512 tokens: within 0.3).
  const moesim::TokenRouting r = run_layer(synthetic);
  size_t fewest = 64, most = 0;
  for (size_t t = 0; t < r.tokens(); ++t) {
    fewest = std::min(fewest, r.choices(t).size());
    most = std::max(most, r.choices(t).size());
  }
  CHECK(fewest >= 1);
  CHECK(most <= 8);
  CHECK(static_cast<double>(r.experts.size()) / 512.0 == Approx(4.0).margin(0.3));
}

TEST_CASE("zipf skew concentrates the load that uniform spreads", "[routing_scenario]") {
  const auto busiest = [](const std::string& block) {
    const auto loads = run_layer(load_text(scenario(block))).expert_loads();
    return *std::max_element(loads.begin(), loads.end());
  };
  // 512 tokens x 8 over 64 experts: 64 per expert on average. With skew 1.2 the top-ranked
  // expert draws about 29% of the first choices (1 / sum of r^-1.2 over 64 ranks), far above
  // uniform's busiest expert.
  CHECK(busiest("  {generator: zipf, skew: 1.2}") > 2 * busiest("  {generator: uniform}"));
}

TEST_CASE("calibrated like maps measured statistics onto a larger model", "[routing_scenario]") {
  // Qwen3-30B-A3B's shape (128 experts, top-8) with OLMoE's 64-expert statistics.
  const ScenarioConfig cfg =
      load_text(scenario("  {generator: calibrated, like: OLMoE-1B-7B}", 128, 8));
  CHECK(cfg.routing.params.text("like") == "OLMoE-1B-7B");
  CHECK_FALSE(cfg.routing.params.has("model"));
  CHECK(cfg.routing.params.text("domain") == "c4");
  const moesim::TokenRouting r = run_layer(cfg);
  CHECK(r.experts.size() == size_t{512} * 8);
  // The load spreads over the copies: most of the 128 experts receive tokens.
  const auto loads = r.expert_loads();
  CHECK(std::count(loads.begin(), loads.end(), 0u) < 32);
}

TEST_CASE("routing parameter errors name file, line and key", "[routing_scenario]") {
  const std::string misspelt = scenario("  generator: zipf\n  skw: 1.2");
  CHECK_THAT(load_error(misspelt),
             StartsWith(fmt::format(":{}: routing.skw: unknown key (did you mean 'skew'?)",
                                    moesim::test::line_of(misspelt, "skw:"))));
  CHECK_THAT(load_error(scenario("  {generator: zipf, alpha: 0.5}")),
             Contains("routing.alpha: not a parameter of routing zipf (dirichlet takes it"));
  CHECK_THAT(load_error(scenario("  {generator: uniform, k: {max: 4}}")),
             Contains("routing.k: not a parameter of routing uniform (synthetic takes it"));
  CHECK_THAT(load_error(scenario("  {generator: zipf, skew: -1}")),
             Contains("routing.skew: must be in [0, 10], got -1"));
  CHECK_THAT(load_error(scenario("  {generator: dirichlet, alpha: 0}")),
             Contains("routing.alpha: must be in (0, 1000000], got 0"));
  CHECK_THAT(load_error(scenario("  {generator: dirichlet, segment: 0}")),
             Contains("routing.segment: must be between 1 and"));
  CHECK_THAT(load_error(scenario("  {generator: synthetic, transition_strength: 1.5}")),
             Contains("routing.transition_strength: must be in [0, 1], got 1.5"));
  CHECK_THAT(load_error(scenario("  {generator: synthetic, popularity: pareto}")),
             Contains("routing.popularity: expected uniform | zipf | dirichlet"));
  CHECK_THAT(load_error(scenario("  {generator: synthetic, popularity: zipf, alpha: 1}")),
             Contains("routing.alpha: applies to popularity dirichlet, not zipf"));
  CHECK_THAT(load_error(scenario("  {generator: synthetic, k: {min: 1, max: 65}}")),
             Contains("routing.k: max 65 exceeds num_experts 64"));
  CHECK_THAT(load_error(scenario("  {generator: synthetic, k: {min: 2, max: 4, mean: 5}}")),
             Contains("routing.k: mean 5 is outside [2, 4]"));
  CHECK_THAT(load_error(scenario("  {generator: synthetic, k: {mni: 2}}")),
             Contains("routing.k.mni: unknown key (did you mean 'min'?)"));
}

TEST_CASE("calibrated routing checks the model, the shape and the domain", "[routing_scenario]") {
  CHECK_THAT(load_error(scenario("  {generator: calibrated, model: Mixtral-8x7B}")),
             Contains("routing.model: Mixtral-8x7B statistics are for 8 experts, top-2, but the "
                      "model has 64 experts, top-8 (use like: Mixtral-8x7B"));
  CHECK_THAT(load_error(scenario("  {generator: calibrated, model: GPT-4}")),
             Contains("routing.model: no routing statistics for \"GPT-4\" (have: Mixtral-8x7B, "
                      "OLMoE-1B-7B)"));
  CHECK_THAT(load_error(scenario("  {generator: calibrated}")),
             Contains("routing: missing key 'model'"));
  CHECK_THAT(
      load_error(scenario("  {generator: calibrated, model: OLMoE-1B-7B, like: OLMoE-1B-7B}")),
      Contains("routing.like: give either model or like, not both"));
  CHECK_THAT(load_error(scenario("  {generator: calibrated, like: OLMoE-1B-7B}", 96, 8)),
             Contains("routing.like: like maps OLMoE-1B-7B's 64 experts onto a whole multiple"));
  CHECK_THAT(
      load_error(scenario("  {generator: calibrated, model: Mixtral-8x7B, domain: tulu}", 8, 2)),
      Contains("routing.domain: no Mixtral-8x7B statistics for domain \"tulu\""));
  CHECK_THAT(load_error(scenario("  {generator: calibrated, model: OLMoE-1B-7B, strength: 2}")),
             Contains("routing.strength: must be in [0, 1], got 2"));
}

TEST_CASE("the same seed draws the same routing for every parameterised generator",
          "[routing_scenario]") {
  for (const std::string& block :
       {kSynthetic, std::string("  {generator: calibrated, model: OLMoE-1B-7B, domain: github}")}) {
    INFO(block);
    ScenarioConfig cfg = load_text(scenario(block));
    const auto first = run_layer(cfg).experts;
    CHECK(run_layer(cfg).experts == first);
    cfg.seed = 4;
    CHECK(run_layer(cfg).experts != first);
  }
}

TEST_CASE("resolved.yaml keeps the generator's parameters and reproduces its routing",
          "[routing_scenario]") {
  for (const auto& [block, experts] : std::vector<std::pair<std::string, uint32_t>>{
           {"  {generator: zipf, skew: 1.2}", 64},
           {"  {generator: dirichlet, alpha: 0.3, segment: 100}", 64},
           {kSynthetic, 64},
           {"  {generator: synthetic, popularity: zipf, skew: 0.7, temporal_reuse: 0.1}", 64},
           {"  {generator: calibrated, model: OLMoE-1B-7B, domain: books, strength: 0.5}", 64},
           {"  {generator: calibrated, like: OLMoE-1B-7B}", 128}}) {
    INFO(block);
    const ScenarioConfig original = load_text(scenario(block, experts));
    const std::string resolved = moesim::format_resolved_config(original);
    const ScenarioConfig again = load_text(resolved);
    CHECK(again.routing.name == original.routing.name);
    CHECK(again.routing.params.formatted() == original.routing.params.formatted());
    CHECK(moesim::format_resolved_config(again) == resolved);
    CHECK(run_layer(again).experts == run_layer(original).experts);
  }
}
