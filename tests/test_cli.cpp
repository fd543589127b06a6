// The `moesim` executable as a user meets it: exit codes (0 ok, 2 usage or configuration,
// 1 runtime failure), one-line errors, and the files of a run.

#include <algorithm>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>

#include "support/json_check.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::JsonValue;
using moesim::test::line_of;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string quickstart_path = moesim::test::source_path("scenarios/quickstart.yaml").string();

size_t line_count(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("version, help and list exit 0", "[cli]") {
  const auto version = run_cli({"version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Contains("moesim " MOESIM_VERSION));

  const auto help = run_cli({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("run") && Contains("list") && Contains("version"));

  const auto list = run_cli({"list"});
  CHECK(list.exit_code == 0);
  // Every family with its strategies and one-line descriptions.
  for (const char* word : {"placement:", "routing:", "cost_model:", "network:", "contiguous",
                           "round_robin", "uniform", "roofline", "max_min"}) {
    CHECK_THAT(list.out, Contains(word));
  }
  const auto hardware = run_cli({"list", "hardware"});
  CHECK(hardware.exit_code == 0);
  CHECK_THAT(hardware.out, Contains("H100-SXM") && Contains("nvlink4") && Contains("EPYC-7453"));

  const auto topology = run_cli({"list", "topology"});
  CHECK(topology.exit_code == 0);
  for (const char* word :
       {"hgx", "pcie_host", "nvl72", "multi_node", "oversubscription", "h100_hgx"}) {
    CHECK_THAT(topology.out, Contains(word));
  }

  const auto models = run_cli({"list", "models"});
  CHECK(models.exit_code == 0);
  // Each card with its computed counts: DeepSeek-V3 has 671.03B parameters, 37.55B active.
  CHECK_THAT(models.out, Contains("DeepSeek-V3") && Contains("671.03") && Contains("37.55") &&
                             Contains("Switch-base-128"));

  // Routing generators with every parameter and its default.
  const auto routing = run_cli({"list", "routing"});
  CHECK(routing.exit_code == 0);
  for (const char* word :
       {"zipf", "dirichlet", "synthetic", "calibrated", "skew: number, default 1, in [0, 10]",
        "segment: whole number, default 256", "transition_strength: number, default 0",
        "k.mean: number, default top_k", "like: name, default none", "domain: name, default c4"}) {
    CHECK_THAT(routing.out, Contains(word));
  }

  const auto one = run_cli({"list", "network"});
  CHECK(one.exit_code == 0);
  CHECK_THAT(one.out, Contains("max_min"));
  CHECK(one.out.find("placement:") == std::string::npos);
}

TEST_CASE("usage errors exit 2", "[cli]") {
  // No subcommand, an unknown subcommand, an unknown option, a missing argument.
  CHECK(run_cli({}).exit_code == 2);
  CHECK(run_cli({"fly"}).exit_code == 2);
  CHECK(run_cli({"run", quickstart_path, "--turbo"}).exit_code == 2);
  CHECK(run_cli({"run"}).exit_code == 2);
  const auto family = run_cli({"list", "teleporter"});
  CHECK(family.exit_code == 2);
  CHECK_THAT(family.err, Contains("teleporter"));
}

TEST_CASE("configuration errors exit 2 with one line naming file, line and key", "[cli]") {
  TempDir dir("cli-config");
  const std::string text = read_text(quickstart_path);
  struct Case {
    const char* what;
    std::string scenario;
    std::string expected;
  };
  const auto at = [&](const char* key) { return ":" + std::to_string(line_of(text, key)) + ": "; };
  const Case cases[] = {
      {"misspelt key", replace_once(text, "  top_k:", "  topk:"),
       at("top_k:") + "model.topk: unknown key"},
      {"negative bandwidth",
       replace_once(text, "  gpus: 8 ",
                    "  gpu_overrides: {memory_bandwidth: \"-3 TB/s\"}\n  gpus: 8 "),
       at("  gpus: 8 ") + "hardware.gpu_overrides.memory_bandwidth: expected a bandwidth"},
      {"unparsable unit", replace_once(text, "\"0 us\"", "\"0 fortnights\""),
       at("kernel_overhead:") + "strategies.cost_model.kernel_overhead: expected a duration"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const auto file = dir / "bad.yaml";
    moesim::test::write_text(file, c.scenario);
    const auto r = run_cli({"run", file.string(), "--out", (dir / "out").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(file.string() + c.expected));
    CHECK(line_count(r.err) == 1);
    // A failed run writes no result directory.
    CHECK_FALSE(fs::exists(dir / "out"));
  }
  const auto missing = run_cli({"run", (dir / "absent.yaml").string()});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("absent.yaml: cannot open file"));
}

TEST_CASE("a machine of 10 million GPUs exits 2 at once with one line naming the key", "[cli]") {
  TempDir dir("cli-absurd");
  // 65,536 nodes x 160 GPUs = 10,485,760 GPUs: refused before anything is built.
  const auto r = run_cli({"run", quickstart_path, "--out", (dir / "out").string(), "--set",
                          "hardware.builder=multi_node", "--set", "hardware.nodes=65536", "--set",
                          "hardware.gpus=160"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("hardware.nodes: expected at most 1048576 GPUs in all (nodes x "
                             "gpus), got 10485760 (65536 x 160)"));
  CHECK(line_count(r.err) == 1);
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("an output directory that cannot be created is a runtime failure, exit 1", "[cli]") {
  TempDir dir("cli-runtime");
  // A regular file where the output's parent directory should be.
  moesim::test::write_text(dir / "blocker", "not a directory\n");
  const auto r = run_cli({"run", quickstart_path, "--out", (dir / "blocker" / "q").string()});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("runtime failure"));
  CHECK(line_count(r.err) == 1);
}

TEST_CASE("quickstart run prints the breakdown and writes its four files", "[cli]") {
  TempDir dir("cli-run");
  const auto out = dir / "q";
  const auto r = run_cli({"run", quickstart_path, "--out", out.string()});
  REQUIRE(r.exit_code == 0);
  for (const char* stage : {"router", "dispatch", "experts", "combine", "reduce", "total"}) {
    CHECK_THAT(r.out, Contains(stage));
  }
  for (const char* file : {"summary.txt", "metrics.json", "trace.json", "resolved.yaml"}) {
    CHECK(fs::is_regular_file(out / file));
  }
  // The summary file is what was printed, without the closing "wrote ..." line.
  CHECK_THAT(r.out, Contains(read_text(out / "summary.txt")));
  // No staging directory is left beside the result.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);

  const JsonValue metrics = moesim::test::parse_json(read_text(out / "metrics.json"));
  CHECK(metrics.at("scenario").text == "quickstart");
  CHECK(metrics.at("stages").items.size() == 5);
  CHECK(metrics.at("total_us").number > 0.0);
}

TEST_CASE("quickstart trace.json is valid Chrome trace event JSON", "[cli]") {
  TempDir dir("cli-trace");
  REQUIRE(run_cli({"run", quickstart_path, "--out", (dir / "q").string(), "--quiet"}).exit_code ==
          0);
  const JsonValue trace = moesim::test::parse_json(read_text(dir / "q" / "trace.json"));
  // Object form: {"traceEvents": [...]} with every event carrying ph, pid and tid.
  const JsonValue& events = trace.at("traceEvents");
  REQUIRE(events.is(JsonValue::Kind::kArray));
  size_t complete = 0, async_begin = 0, async_end = 0;
  std::set<std::string> lanes;
  for (const JsonValue& e : events.items) {
    REQUIRE(e.is(JsonValue::Kind::kObject));
    const std::string ph = e.at("ph").text;
    CHECK(e.at("pid").is(JsonValue::Kind::kNumber));
    CHECK(e.at("tid").is(JsonValue::Kind::kNumber));
    CHECK(e.at("name").is(JsonValue::Kind::kString));
    if (ph == "M") {
      lanes.insert(e.at("args").at("name").text);
    } else if (ph == "X") {
      ++complete;
      CHECK(e.at("dur").number >= 0.0);
      CHECK(e.at("ts").number >= 0.0);
    } else if (ph == "b" || ph == "e") {
      (ph == "b" ? async_begin : async_end) += 1;
      CHECK(e.has("id"));
      CHECK(e.at("ts").number >= 0.0);
    } else {
      FAIL("unexpected event phase " << ph);
    }
  }
  // One lane per GPU and one track per link class (async events named by class).
  for (int g = 0; g < 8; ++g) CHECK(lanes.count("gpu" + std::to_string(g) + "/compute") == 1);
  CHECK(async_begin == async_end);
  CHECK(async_begin > 0);
  // 8 routers + 8 experts + 8 reduces on the GPU lanes, plus 5 stage spans.
  CHECK(complete == 8 + 8 + 8 + 5);
}

TEST_CASE("validate --suite comm writes validation.csv and an unknown suite exits 2", "[cli]") {
  TempDir dir("cli-validate");
  const auto r = run_cli({"validate", "--suite", "comm", "--out", (dir / "v").string()});
  REQUIRE(r.exit_code == 0);
  // Each goal with its outcome; "goals met" only with every goal met; report-only rows named.
  CHECK_THAT(r.out, Contains("goal: h100_hgx >= 1 MiB: median |rel_error| <= 15%: met") &&
                        Contains("goal: gb200_tray <= 4 KiB: every collective's floor within 2x: "
                                 "met") &&
                        Contains("rows under no goal") && Contains("goals met: 6 of 6"));
  CHECK_THAT(r.out, Contains("(PCIe: reported, no goal)"));
  CHECK(r.out.find("NOT met") == std::string::npos);
  const std::string csv = read_text(dir / "v" / "validation.csv");
  CHECK(csv.rfind("suite,target,metric,measured,simulated,rel_error,threshold,pass\n", 0) == 0);
  // summary.txt holds what was printed, the goals' verdict included.
  CHECK_THAT(read_text(dir / "v" / "summary.txt"), Contains("goals met: 6 of 6"));

  const auto kernels = run_cli({"validate", "--suite", "kernels", "--out", (dir / "k").string()});
  CHECK(kernels.exit_code == 0);
  CHECK(fs::is_regular_file(dir / "k" / "validation.csv"));

  const auto bad = run_cli({"validate", "--suite", "vibes"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("unknown suite 'vibes'"));
  CHECK(run_cli({"validate"}).exit_code == 2);

  const auto calibrate = run_cli({"calibrate", "--suite", "comm"});
  CHECK(calibrate.exit_code == 0);
  CHECK_THAT(calibrate.out, Contains("h100_hgx:") && Contains("fitted_on"));
}

TEST_CASE("run --set overrides scenario keys, checked as the file's keys are", "[cli]") {
  TempDir dir("cli-set");
  const auto out = dir / "q";
  // A value, a unit with a space, a strategy name, and a mapping created on the way.
  const auto r = run_cli({"run", quickstart_path, "--out", out.string(), "--quiet", "--set",
                          "seed=3", "--set", "hardware.gpu_overrides.memory=40 GiB", "--set",
                          "routing.generator=zipf", "--set", "model.top_k=1"});
  REQUIRE(r.exit_code == 0);
  const std::string resolved = read_text(out / "resolved.yaml");
  CHECK_THAT(resolved, Contains("seed: 3"));
  CHECK_THAT(resolved, Contains("top_k: 1"));
  CHECK_THAT(resolved, Contains("zipf"));
  CHECK_THAT(read_text(out / "summary.txt"), Contains("seed 3"));
  // Later overrides win, and --seed is --set seed=N applied last.
  const auto twice = run_cli({"run", quickstart_path, "--out", (dir / "t").string(), "--quiet",
                              "--set", "seed=3", "--set", "seed=4", "--seed", "5"});
  REQUIRE(twice.exit_code == 0);
  CHECK_THAT(read_text(dir / "t" / "resolved.yaml"), Contains("seed: 5"));

  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const Case cases[] = {
      {{"--set", "model.top_k=999"}, "--set model.top_k=999: model.top_k: must be between 1 and 8"},
      {{"--set", "model.topk=1"}, "--set model.topk=1: model.topk: unknown key (did you mean"},
      {{"--set", "hardware.gpu_overrides.memroy=40 GiB"},
       "--set hardware.gpu_overrides.memroy=40 GiB: hardware.gpu_overrides.memroy: unknown key "
       "(did you mean 'memory'?)"},
      {{"--set", "hardware.gpu_overrides.memory=40 parsecs"},
       "--set hardware.gpu_overrides.memory=40 parsecs: hardware.gpu_overrides.memory: expected"},
      {{"--set", "routing.generator=zipff"}, "--set routing.generator=zipff: routing.generator:"},
      // A value written as a name becomes {name: ...} so a strategy's parameters can be set;
      // top_k is no strategy, so the loader refuses the mapping.
      {{"--set", "model.top_k.x=1"}, "model.top_k: expected a single value, not a list"},
      {{"--set", "model.top_k.x.y=1"}, "model.top_k: expected a single value, not a list"},
      {{"--set", "seed"}, "--set seed: expected key.path=value"},
      {{"--set", "model..top_k=1"}, "--set model..top_k=1: expected a key path"},
      {{"--set", "model=3"}, "--set model=3: model: expected a mapping"},
      {{"--seed", "-1"}, "--seed -1: seed: expected a whole number, got \"-1\""},
      {{"--seed", "many"}, "--seed many: seed: expected a whole number"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"run", quickstart_path, "--out", (dir / "bad").string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    INFO(c.expected);
    const auto bad = run_cli(args);
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Contains(c.expected));
    CHECK(line_count(bad.err) == 1);
    CHECK_FALSE(fs::exists(dir / "bad"));
  }
  // `seed: -1` in the file is refused the same way, at its line.
  const auto file = dir / "negative.yaml";
  moesim::test::write_text(file, replace_once(read_text(quickstart_path), "seed: 1 ", "seed: -1 "));
  const auto negative = run_cli({"run", file.string(), "--out", (dir / "bad").string()});
  CHECK(negative.exit_code == 2);
  CHECK_THAT(negative.err, Contains("negative.yaml:6: seed: expected a whole number"));

  const auto help = run_cli({"run", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("--set"));

  // The other unsigned options refuse a sign too (CLI11 would wrap -1 to 2^64-1).
  const std::vector<std::vector<std::string>> negative_options{
      {"trace", "generate", "--model", "OLMoE-1B-7B", "--generator", "uniform", "--tokens", "10",
       "--seed", "-1", "--out", (dir / "t.jsonl").string()},
      {"trace", "generate", "--model", "OLMoE-1B-7B", "--generator", "uniform", "--tokens", "-10",
       "--out", (dir / "t.jsonl").string()},
      {"workload", "generate", "--rate", "1", "--requests", "2", "--input", "5", "--output", "5",
       "--seed", "-1", "--out", (dir / "w.csv").string()},
      {"validate", quickstart_path, "--tokens", "-1"},
  };
  for (const auto& args : negative_options) {
    const auto r = run_cli(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("expected a whole number >= 0"));
  }
  CHECK_FALSE(fs::exists(dir / "t.jsonl"));
  CHECK_FALSE(fs::exists(dir / "w.csv"));
}

TEST_CASE("an unknown subcommand is named with the known ones", "[cli]") {
  const auto top = run_cli({"bogus"});
  CHECK(top.exit_code == 2);
  CHECK_THAT(top.err, Contains("unknown subcommand 'bogus'") &&
                          Contains("run, bound, plot, plan, list, explain") &&
                          Contains("workload"));
  const auto trace = run_cli({"trace", "bogus"});
  CHECK(trace.exit_code == 2);
  CHECK_THAT(trace.err, Contains("unknown subcommand 'bogus' of moesim trace") &&
                            Contains("convert, stats, generate, import"));
  // A scenario path is not a subcommand.
  CHECK(run_cli({"run", (std::filesystem::temp_directory_path() / "absent.yaml").string()})
            .exit_code == 2);

  const auto help = run_cli({"validate", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("comm, ep, kernels, cpu, routing, serving"));
}

TEST_CASE("validate SCENARIO on a serving scenario says what validate accepts", "[cli]") {
  const auto r = run_cli(
      {"validate", moesim::test::source_path("tests/scenarios/serving_small.yaml").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("serving scenario") && Contains("--suite serving"));
  CHECK(line_count(r.err) == 1);
}
