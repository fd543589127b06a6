// Every shipped scenario is a regression test: it runs, and its resolved.yaml, run again,
// reproduces the same simulated times (the resolved file carries the whole machine).

#include <filesystem>

#include <catch2/catch.hpp>

#include "support/json_check.h"
#include "support/scenario_files.h"

using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("every shipped scenario runs and its resolved config reproduces it", "[scenarios]") {
  size_t scenarios = 0;
  for (const auto& entry : fs::directory_iterator(moesim::test::source_path("scenarios"))) {
    if (entry.path().extension() != ".yaml") continue;
    ++scenarios;
    INFO(entry.path().string());
    TempDir dir("scenario");
    const auto first =
        run_cli({"run", entry.path().string(), "--out", (dir / "a").string(), "--quiet"});
    REQUIRE(first.exit_code == 0);
    const auto again = run_cli(
        {"run", (dir / "a" / "resolved.yaml").string(), "--out", (dir / "b").string(), "--quiet"});
    REQUIRE(again.exit_code == 0);
    const auto a = moesim::test::parse_json(read_text(dir / "a" / "metrics.json"));
    const auto b = moesim::test::parse_json(read_text(dir / "b" / "metrics.json"));
    // Same machine, model, routing and seed: the same total and stage times, to the picosecond.
    CHECK(a.at("total_us").text == b.at("total_us").text);
    CHECK(a.at("events").text == b.at("events").text);
    for (size_t i = 0; i < a.at("stages").items.size(); ++i) {
      CHECK(a.at("stages").items[i].at("duration_us").text ==
            b.at("stages").items[i].at("duration_us").text);
    }
  }
  // quickstart, explicit_ring, two_node_fat_tree at least.
  CHECK(scenarios >= 3);
}
