// The strategy registry: every declaration is well-formed, docs/strategies.md is the registry's
// own text, `moesim list` shows every family, and every routing generator keeps its contract.

#include <set>

#include <catch2/catch.hpp>

#include "cli/app/resolved_config.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/strategy_loader.h"
#include "cli/app/strategy_reference.h"
#include "models/strategies/strategy_catalog.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;

TEST_CASE("every strategy declares unique, documented parameters with defaults in range",
          "[registry]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  std::set<std::string> families;
  for (const moesim::FamilyInfo* family : catalog.families()) {
    CHECK(families.insert(family->name()).second);
    CHECK_FALSE(family->help().empty());
    for (const moesim::StrategyInfo* s : family->strategies()) {
      INFO(family->name() << " " << s->name);
      CHECK_FALSE(s->help.empty());
      std::set<std::string> names;
      for (const moesim::ParamSpec& p : s->params) {
        INFO(p.name);
        CHECK(names.insert(p.name).second);
        CHECK_FALSE(p.help.empty());
        if (p.kind == moesim::ParamKind::kChoice) {
          REQUIRE(p.default_value.has_value());
          const auto& v = std::get<std::string>(*p.default_value);
          CHECK(std::find(p.choices.begin(), p.choices.end(), v) != p.choices.end());
        } else if (p.default_value &&
                   (p.kind == moesim::ParamKind::kDouble || p.kind == moesim::ParamKind::kUint)) {
          const double v = p.kind == moesim::ParamKind::kUint
                               ? static_cast<double>(std::get<uint64_t>(*p.default_value))
                               : std::get<double>(*p.default_value);
          CHECK(v <= p.max);
          CHECK((p.min_exclusive ? v > p.min : v >= p.min));
        }
      }
    }
  }
}

TEST_CASE("docs/strategies.md is the registry's reference text", "[registry]") {
  // Regenerate with: scripts/moesim list --markdown > docs/strategies.md
  CHECK(read_text(source_path("docs/strategies.md")) ==
        moesim::format_strategy_markdown(moesim::builtin_strategies()));
}

TEST_CASE("moesim list shows every family, the empty ones as none yet", "[registry][cli]") {
  const auto all = run_cli({"list"});
  REQUIRE(all.exit_code == 0);
  for (const char* family : {"routing:", "placement:", "network:", "cost_model:", "moe_cost:",
                             "serving_cost:", "scheduler:", "dispatch:", "routing_transform:",
                             "expert_executor:", "expert_cache:", "predictor:", "bound:"}) {
    CHECK_THAT(all.out, Contains(family));
  }
  const auto placement = run_cli({"list", "placement"});
  CHECK_THAT(placement.out, Contains("eplb") && Contains("redundant: whole number, default 0") &&
                                Contains("replica_choice: choice, default round_robin, in "
                                         "round_robin | least_loaded"));
  const auto planned = run_cli({"list", "predictor"});
  CHECK_THAT(planned.out, Contains("(none yet)"));
}

TEST_CASE("every routing generator picks top_k distinct experts per token", "[registry]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::RoutingShape shape{64, 8};  // OLMoE's shape, for the calibrated statistics
  for (const moesim::StrategyInfo* s : catalog.routing.strategies()) {
    if (s->name == "trace") continue;  // replays a file: tests/test_trace_replay_routing.cpp
    INFO(s->name);
    moesim::Params params(s->params);
    if (s->name == "calibrated") {
      params.set(*s->param("model"), std::string("OLMoE-1B-7B"));
    }
    moesim::RngStreams rng(11);
    const auto generator =
        catalog.routing.make({s->name, params}, moesim::RoutingContext{shape, &rng, 4});
    moesim::TokenRouting routing;
    for (uint32_t layer = 0; layer < 4; ++layer) {
      generator->generate(layer, 256, routing);
      REQUIRE(routing.tokens() == 256);
      for (size_t t = 0; t < routing.tokens(); ++t) {
        const auto chosen = routing.choices(t);
        std::set<uint32_t> distinct(chosen.begin(), chosen.end());
        CHECK(chosen.size() == 8);
        CHECK(distinct.size() == 8);
        CHECK(*distinct.rbegin() < 64);
      }
    }
  }
}

TEST_CASE("resolved.yaml reloads to the same strategies and parameters", "[registry]") {
  // The EPLB study with every placement parameter away from its default: every family's choice
  // and parameters survive the trip through resolved.yaml.
  moesim::test::TempDir dir("registry-roundtrip");
  std::string text = read_text(source_path("scenarios/studies/eplb.yaml"));
  text = moesim::test::replace_once(
      text, "../validation/workloads/sharegpt-qwen3-30b-a3b-300.csv",
      source_path("scenarios/validation/workloads/sharegpt-qwen3-30b-a3b-300.csv").string());
  text = moesim::test::replace_once(text, "    name: contiguous",
                                    "    name: eplb\n    redundant: 16\n    groups: 2\n"
                                    "    rebalance_every: 50\n    replica_choice: least_loaded");
  const auto first = dir.path() / "first.yaml";
  moesim::test::write_text(first, text);
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::ScenarioConfig original = moesim::load_scenario(first.string(), catalog);
  CHECK(original.placement.params.whole("redundant") == 16);
  const std::string resolved = moesim::format_resolved_config(original);
  const auto second = dir.path() / "second.yaml";
  moesim::test::write_text(second, resolved);
  const moesim::ScenarioConfig again = moesim::load_scenario(second.string(), catalog);
  for (const auto& [a, b] : {std::pair{&original.placement, &again.placement},
                             {&original.routing, &again.routing},
                             {&original.cost_model, &again.cost_model},
                             {&original.network, &again.network},
                             {&original.serving->cost_model, &again.serving->cost_model},
                             {&original.serving->scheduler, &again.serving->scheduler},
                             {&original.serving->moe_cost, &again.serving->moe_cost}}) {
    CHECK(a->name == b->name);
    CHECK(a->params.formatted() == b->params.formatted());
  }
  CHECK(moesim::format_resolved_config(again) == resolved);
}
