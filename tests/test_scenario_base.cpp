// `base: FILE` in a scenario (cli/app/scenario_base.h): the scenario starts from another file
// and overrides it key by key; errors in keys that came from the base name the base file.

#include <string>

#include <catch2/catch.hpp>

#include "cli/app/scenario_loader.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_text;

namespace {

const char* const kBase = R"(name: base_scenario
seed: 3
model:
  card: Qwen3-30B-A3B
hardware:
  system: h100_hgx
workload:
  closed_loop: {concurrency: 4, requests: 8, input_tokens: 64, output_tokens: 8}
routing:
  generator: uniform
serving:
  scheduler: vllm_v1
  cost_model: roofline
  max_num_seqs: 32
  max_num_batched_tokens: 2048
)";

}  // namespace

TEST_CASE("a scenario's base is merged key by key, the scenario winning", "[scenario]") {
  TempDir dir("scenario-base");
  write_text(dir / "common/base.yaml", kBase);
  write_text(dir / "child.yaml",
             "base: common/base.yaml\nname: child\nseed: 9\nserving:\n  max_num_seqs: 8\n");
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::ScenarioConfig c =
      moesim::load_scenario((dir / "child.yaml").string(), catalog, {});
  CHECK(c.name == "child");
  CHECK(c.seed == 9);
  REQUIRE(c.serving);
  CHECK(c.serving->limits.max_num_seqs == 8);               // the child's
  CHECK(c.serving->limits.max_num_batched_tokens == 2048);  // the base's, beside it
  REQUIRE(c.serving->closed_loop);
  CHECK(c.serving->closed_loop->concurrency == 4);
  CHECK(c.card_name == "Qwen3-30B-A3B");
}

TEST_CASE("bases chain, and --set overrides what a base set", "[scenario]") {
  TempDir dir("scenario-base-chain");
  write_text(dir / "a.yaml", kBase);
  write_text(dir / "b.yaml", "base: a.yaml\nname: b\nserving:\n  max_num_seqs: 16\n");
  write_text(dir / "c.yaml", "base: b.yaml\nname: c\n");
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const auto overrides = std::vector{moesim::parse_override("--set", "seed=5")};
  const moesim::ScenarioConfig c =
      moesim::load_scenario((dir / "c.yaml").string(), catalog, overrides);
  CHECK(c.name == "c");
  CHECK(c.seed == 5);
  CHECK(c.serving->limits.max_num_seqs == 16);
}

TEST_CASE("an error in a key from a base names the base file and line", "[scenario][cli]") {
  TempDir dir("scenario-base-error");
  std::string bad = kBase;
  bad.replace(bad.find("max_num_seqs: 32"), 16, "max_num_seqs: many");
  write_text(dir / "base.yaml", bad);
  write_text(dir / "child.yaml", "base: base.yaml\nname: child\n");
  const auto r = run_cli({"run", (dir / "child.yaml").string(), "--out", (dir / "o").string()});
  CHECK(r.exit_code == 2);
  // max_num_seqs is on line 14 of the base.
  CHECK_THAT(r.err, Contains("base.yaml:14: serving.max_num_seqs"));
}

TEST_CASE("bad bases exit 2 naming the base key", "[scenario][cli]") {
  TempDir dir("scenario-base-bad");
  write_text(dir / "self.yaml", "base: self.yaml\nname: self\n");
  write_text(dir / "loop_a.yaml", "base: loop_b.yaml\nname: a\n");
  write_text(dir / "loop_b.yaml", "base: loop_a.yaml\nname: b\n");
  write_text(dir / "missing.yaml", "base: nowhere.yaml\nname: m\n");
  write_text(dir / "list.yaml", "base: [a.yaml]\nname: l\n");
  for (const char* file : {"self.yaml", "loop_a.yaml", "missing.yaml", "list.yaml"}) {
    INFO(file);
    const auto r = run_cli({"run", (dir / file).string(), "--out", (dir / "o").string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
  }
  CHECK_THAT(run_cli({"run", (dir / "self.yaml").string()}).err, Contains("a cycle"));
  CHECK_THAT(run_cli({"run", (dir / "loop_a.yaml").string()}).err, Contains("a cycle"));
  CHECK_THAT(run_cli({"run", (dir / "missing.yaml").string()}).err,
             Contains("nowhere.yaml: cannot open file"));
  CHECK_THAT(run_cli({"run", (dir / "list.yaml").string()}).err,
             Contains("list.yaml:1: base: expected the path of a scenario file"));
}
