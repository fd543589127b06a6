// `moesim explain KEY`: a leaf key, a placeholder key, a block, a strategy section, a strategy
// and a strategy parameter in words; an unknown key with suggestions; and docs/scenario-keys.md
// as the registry's own text.

#include <algorithm>

#include <catch2/catch.hpp>

#include "cli/app/key_reference.h"
#include "cli/app/scenario_keys.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;

TEST_CASE("moesim explain prints a leaf key with its type, default and unit", "[explain][cli]") {
  const auto r = run_cli({"explain", "serving.max_num_seqs"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, StartsWith("serving.max_num_seqs\n") && Contains("type:    whole number") &&
                        Contains("default: 256") && Contains("unit:    requests"));
}

TEST_CASE("moesim explain matches a name to its placeholder key", "[explain][cli]") {
  const auto r = run_cli({"explain", "hardware.link_overrides.nvlink4.bandwidth"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, StartsWith("hardware.link_overrides.<link>.bandwidth\n") &&
                        Contains("bandwidth (e.g. \"900 GB/s\")"));
  const auto list = run_cli({"explain", "hardware.graph.nodes[0].kind"});
  REQUIRE(list.exit_code == 0);
  CHECK_THAT(list.out, Contains("gpu | cpu | nic | switch | memory"));
}

TEST_CASE("moesim explain lists a block's keys, one line each", "[explain][cli]") {
  const auto r = run_cli({"explain", "serving"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, StartsWith("serving\n") && Contains("\nkeys:\n") &&
                        Contains("\n  serving.max_num_seqs  whole number, default 256") &&
                        Contains("\n  serving.slo  mapping"));
  CHECK_THAT(r.out, !Contains("serving.slo.ttft"));  // one level only
}

TEST_CASE("moesim explain lists a strategy section's strategies", "[explain][cli]") {
  const auto r = run_cli({"explain", "strategies.dispatch"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("dispatch strategy") && Contains("\n  deepep_normal ") &&
                        Contains("\n  all_to_allv ") && Contains("{name: NAME"));
  const auto selector = run_cli({"explain", "routing.generator"});
  REQUIRE(selector.exit_code == 0);
  CHECK_THAT(selector.out, Contains("choice of uniform | round_robin | zipf"));
}

TEST_CASE("moesim explain prints a strategy with its parameters", "[explain][cli]") {
  for (const char* key : {"deepep_normal", "dispatch.deepep_normal"}) {
    INFO(key);
    const auto r = run_cli({"explain", key});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, StartsWith("dispatch strategy deepep_normal\n") && Contains("DeepEP") &&
                          Contains("chosen by: strategies.dispatch: deepep_normal") &&
                          Contains("    sms: whole number, default 20, in [1, 1024]"));
  }
  // A name in several families: each of them.
  const auto roofline = run_cli({"explain", "roofline"});
  REQUIRE(roofline.exit_code == 0);
  CHECK_THAT(roofline.out, Contains("cost_model strategy roofline") &&
                               Contains("serving_cost strategy roofline"));
}

TEST_CASE("moesim explain prints a strategy parameter", "[explain][cli]") {
  for (const char* key : {"strategies.dispatch.sms", "deepep_normal.sms"}) {
    INFO(key);
    const auto r = run_cli({"explain", key});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, StartsWith(std::string(key) + "\n") &&
                          Contains("dispatch deepep_normal: sms: whole number, default 20"));
  }
  // In a section, every strategy of the family that takes it.
  CHECK_THAT(run_cli({"explain", "strategies.dispatch.sms"}).out,
             Contains("dispatch deepep_auto: sms"));
}

TEST_CASE("moesim explain of an unknown key exits 2 with close names", "[explain][cli]") {
  const auto r = run_cli({"explain", "serving.max_num_seq"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, StartsWith("moesim: error: explain: unknown key 'serving.max_num_seq' (did "
                               "you mean serving.max_num_seqs"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  const auto strategy = run_cli({"explain", "deepep_norml"});
  CHECK(strategy.exit_code == 2);
  CHECK_THAT(strategy.err, Contains("deepep_normal"));
  CHECK(run_cli({"explain"}).exit_code == 2);
}

TEST_CASE("docs/scenario-keys.md is moesim explain --markdown", "[explain][doc]") {
  // Regenerate with: scripts/moesim explain --markdown > docs/scenario-keys.md
  const std::string page =
      moesim::format_key_markdown(moesim::ScenarioKeyRegistry(), moesim::builtin_strategies());
  CHECK(read_text(source_path("docs/scenario-keys.md")) == page);
  const auto r = run_cli({"explain", "--markdown"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == page);
}
