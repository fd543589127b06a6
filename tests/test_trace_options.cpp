// `moesim run --no-trace` and `--trace-iterations N`: the trace is left out or cut to the first
// N engine iterations, and every other output stays byte for byte what it is with the trace.

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "support/json_check.h"
#include "support/scenario_files.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::run_cli;
using moesim::test::source_path;
using moesim::test::TempDir;

namespace {

/// Runs `scenario` into dir/name with `extra` arguments; requires success.
fs::path run_into(const TempDir& dir, const std::string& scenario, const std::string& name,
                  std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"run", source_path(scenario).string(), "--out",
                                (dir / name).string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_cli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return dir / name;
}

/// Where the events of iteration `n` (from 0) start in a one-stage serving trace: each
/// iteration's events begin with rank 0's compute span (lane 1). npos if there is none.
size_t iteration_start(const std::string& trace, int n) {
  const std::string first = R"(,{"ph":"X","name":"iteration","cat":"compute","pid":1,"tid":1,)";
  size_t at = trace.find(first);
  for (int i = 0; i < n && at != std::string::npos; ++i) at = trace.find(first, at + 1);
  return at;
}

}  // namespace

TEST_CASE("a run with --no-trace leaves trace.json out and every other output as it is",
          "[cli][serving]") {
  TempDir dir("no-trace");
  const struct {
    const char* scenario;
    std::vector<const char*> files;
  } runs[] = {{"tests/scenarios/serving_small.yaml",
               {"summary.txt", "requests.csv", "timeseries.csv", "layers.csv", "resolved.yaml"}},
              {"scenarios/quickstart.yaml", {"summary.txt", "metrics.json", "resolved.yaml"}}};
  for (const auto& run : runs) {
    CAPTURE(run.scenario);
    const fs::path with = run_into(dir, run.scenario, "with");
    const fs::path without = run_into(dir, run.scenario, "without", {"--no-trace"});
    CHECK(fs::is_regular_file(with / "trace.json"));
    CHECK_FALSE(fs::exists(without / "trace.json"));
    for (const char* file : run.files) {
      CAPTURE(file);
      CHECK(read_text(with / file) == read_text(without / file));
    }
  }
  const auto printed = run_cli({"run", source_path("tests/scenarios/serving_small.yaml").string(),
                                "--out", (dir / "printed").string(), "--no-trace"});
  REQUIRE(printed.exit_code == 0);
  CHECK_THAT(printed.out, Contains("layers.csv, resolved.yaml}"));
  CHECK_FALSE(fs::exists(dir / "printed" / "trace.json"));
}

TEST_CASE("a run with --trace-iterations N writes the first N iterations of the whole trace",
          "[cli][serving]") {
  TempDir dir("trace-iterations");
  const std::string scenario = "tests/scenarios/serving_small.yaml";
  const std::string whole = read_text(run_into(dir, scenario, "whole") / "trace.json");
  const std::string cut =
      read_text(run_into(dir, scenario, "cut", {"--trace-iterations", "3"}) / "trace.json");
  const size_t fourth = iteration_start(whole, 3);
  REQUIRE(fourth != std::string::npos);
  // The lanes and the first three iterations' events, byte for byte, then the closing brackets.
  CHECK(cut == whole.substr(0, fourth) + "]}");
  CHECK(iteration_start(cut, 2) != std::string::npos);
  CHECK(iteration_start(cut, 3) == std::string::npos);
  CHECK_NOTHROW(moesim::test::parse_json(cut));
  // More iterations than the run has: the whole trace.
  const std::string all =
      read_text(run_into(dir, scenario, "all", {"--trace-iterations", "1000000"}) / "trace.json");
  CHECK(all == whole);
}

TEST_CASE("a run refuses --trace-iterations without a serving trace or a count", "[cli]") {
  TempDir dir("trace-iterations-refused");
  const auto run = [&](const std::string& scenario, std::vector<std::string> extra) {
    std::vector<std::string> args{"run", source_path(scenario).string(), "--out",
                                  (dir / "o").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  const auto layer = run("scenarios/quickstart.yaml", {"--trace-iterations", "2"});
  CHECK(layer.exit_code == 2);
  CHECK_THAT(layer.err, Contains("--trace-iterations") && Contains("layer scenario"));
  const std::string serving = "tests/scenarios/serving_small.yaml";
  for (const auto& extra : {std::vector<std::string>{"--trace-iterations", "0"},
                            {"--trace-iterations", "-1"},
                            {"--trace-iterations", "2", "--no-trace"}}) {
    CAPTURE(extra);
    CHECK(run(serving, extra).exit_code == 2);
  }
  CHECK_FALSE(fs::exists(dir / "o"));
}
