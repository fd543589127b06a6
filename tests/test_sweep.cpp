// `moesim sweep`: the sweep: block of a scenario, its expansion into points, the runner that
// runs each point once (shards and resumes) and the results table.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "cli/app/sweep_axis_values.h"
#include "cli/app/sweep_spec.h"
#include "sim/config_error.h"
#include "support/scenario_files.h"

using Catch::Matchers::Contains;
using moesim::test::read_text;
using moesim::test::replace_once;
using moesim::test::run_cli;
using moesim::test::TempDir;
using moesim::test::write_text;
namespace fs = std::filesystem;

namespace {

/// The quickstart layer with a small batch, so that each point runs in milliseconds.
std::string tiny_layer() {
  const std::string quickstart = read_text(moesim::test::source_path("scenarios/quickstart.yaml"));
  return replace_once(quickstart, "tokens: 4096", "tokens: 64");
}

/// The tiny layer with `sweep` appended as its sweep: block, written to dir/sweep.yaml.
std::string write_sweep(const TempDir& dir, const std::string& sweep) {
  const fs::path path = dir / "sweep.yaml";
  write_text(path, tiny_layer() + "\nsweep:\n" + sweep);
  return path.string();
}

std::vector<moesim::SweepPoint> expand(const std::string& path) {
  return moesim::expand_sweep(moesim::read_sweep_spec(path), moesim::builtin_strategies());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  for (size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    lines.push_back(text.substr(begin, end - begin));
  }
  return lines;
}

/// 2 x 4 x 4 = 32 points of the tiny layer.
const char* const kThirtyTwo =
    "  axes:\n"
    "    strategies.placement: [contiguous, round_robin]\n"
    "    routing.generator: \"choice(uniform, zipf, round_robin, dirichlet)\"\n"
    "    workload.tokens: \"range(16, 64, 16)\"\n";

}  // namespace

TEST_CASE("sweep axes expand in file order with the last axis fastest", "[sweep]") {
  TempDir dir("sweep-order");
  const auto points =
      expand(write_sweep(dir,
                         "  axes:\n"
                         "    workload.tokens: [16, 32]\n"
                         "    routing.generator: \"uniform, zipf, round_robin\"\n"));
  REQUIRE(points.size() == 6);
  const std::vector<std::vector<std::string>> expected{
      {"16", "uniform"}, {"16", "zipf"}, {"16", "round_robin"},
      {"32", "uniform"}, {"32", "zipf"}, {"32", "round_robin"}};
  for (size_t i = 0; i < points.size(); ++i) {
    CHECK(points[i].index == i);
    CHECK(points[i].values == expected[i]);
    REQUIRE(points[i].overrides.size() == 2);
    CHECK(points[i].overrides[0].path == "workload.tokens");
  }
}

TEST_CASE("sweep range with units includes a stop it lands on, and choice lists", "[sweep]") {
  using V = std::vector<std::string>;
  CHECK(moesim::expand_range("100 GB/s, 400 GB/s, 100 GB/s", "x") ==
        V{"100 GB/s", "200 GB/s", "300 GB/s", "400 GB/s"});
  CHECK(moesim::expand_range("100 GB/s, 350 GB/s, 100 GB/s", "x") ==
        V{"100 GB/s", "200 GB/s", "300 GB/s"});
  CHECK(moesim::expand_range("0.1, 0.3, 0.1", "x") == V{"0.1", "0.2", "0.3"});
  CHECK(moesim::expand_range("5, 5, 1", "x") == V{"5"});

  TempDir dir("sweep-range");
  const auto points =
      expand(write_sweep(dir,
                         "  axes:\n"
                         "    hardware.link_overrides.nvlink4.bandwidth: \"range(100 GB/s, 400 "
                         "GB/s, 100 GB/s)\"\n"
                         "    routing.generator: \"choice(uniform, zipf)\"\n"));
  REQUIRE(points.size() == 8);
  CHECK(points[0].values == V{"100 GB/s", "uniform"});
  CHECK(points[7].values == V{"400 GB/s", "zipf"});
}

TEST_CASE("sweep exclude drops every point that matches all keys of an entry", "[sweep]") {
  TempDir dir("sweep-exclude");
  const auto points = expand(write_sweep(dir,
                                         "  axes:\n"
                                         "    workload.tokens: [16, 32]\n"
                                         "    routing.generator: [uniform, zipf]\n"
                                         "  exclude:\n"
                                         "    - {workload.tokens: 32, routing.generator: zipf}\n"
                                         "    - {routing.generator: round_robin}\n"));
  REQUIRE(points.size() == 3);
  CHECK(points[2].values == std::vector<std::string>{"32", "uniform"});
  CHECK(points[2].index == 2);
}

TEST_CASE("sweep point ids are stable across runs and distinct across points", "[sweep]") {
  TempDir dir("sweep-ids");
  const std::string path = write_sweep(dir, kThirtyTwo);
  const auto first = expand(path);
  const auto second = expand(path);
  REQUIRE(first.size() == 32);
  std::set<std::string> ids;
  for (size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].id == second[i].id);
    CHECK(first[i].id.size() == 12);
    ids.insert(first[i].id);
  }
  CHECK(ids.size() == 32);
  // The id depends on the key=value pairs only, not on the order of the axes.
  std::vector<moesim::SweepAxis> axes(2);
  axes[0].key = "a";
  axes[1].key = "b";
  std::vector<moesim::SweepAxis> swapped{axes[1], axes[0]};
  CHECK(moesim::sweep_point_id(axes, {"1", "2"}) == moesim::sweep_point_id(swapped, {"2", "1"}));
  CHECK(moesim::sweep_point_id(axes, {"1", "2"}) != moesim::sweep_point_id(axes, {"2", "1"}));
}

TEST_CASE("bad sweep specs exit 2 naming the axis", "[sweep]") {
  TempDir dir("sweep-bad");
  const auto check = [&](const std::string& sweep, const std::vector<std::string>& words) {
    const std::string path = write_sweep(dir, sweep);
    const auto r = run_cli({"sweep", "run", path, "--out", (dir / "out").string()});
    CHECK(r.exit_code == 2);
    for (const std::string& word : words) CHECK_THAT(r.err, Contains(word));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(dir / "out"));
  };
  check("  axes:\n    routing.bogus: [1, 2]\n", {"routing.bogus", "unknown key"});
  check("  axes:\n    workload.tokens: \"range(64, 16, 16)\"\n",
        {"sweep.axes.workload.tokens", "empty range"});
  check("  axes:\n    workload.tokens: \"range(16, 64, 0)\"\n",
        {"sweep.axes.workload.tokens", "empty range"});
  check("  axes:\n    hardware.link_overrides.nvlink4.bandwidth: \"range(1 us, 3 us, 1 us)\"\n",
        {"sweep axis hardware.link_overrides.nvlink4.bandwidth=1 us", "bandwidth"});
  check("  axes:\n    workload.tokens: []\n", {"sweep.axes.workload.tokens", "empty axis"});
  check("  axes:\n    workload.tokens: \"16, 32, 16\"\n",
        {"sweep.axes.workload.tokens", "\"16\" is given twice"});
  check("  axes:\n    workload.tokens: [16]\n  exclude:\n    - {routing.generator: zipf}\n",
        {"sweep.exclude[0]", "routing.generator", "not an axis"});

  const std::string good = write_sweep(dir, "  axes:\n    workload.tokens: [16]\n");
  const auto shard =
      run_cli({"sweep", "run", good, "--out", (dir / "out").string(), "--shard", "2/2"});
  CHECK(shard.exit_code == 2);
  CHECK_THAT(shard.err, Contains("--shard 2/2"));

  // A folder moesim did not make is left alone.
  write_text(dir / "mine" / "notes.txt", "keep\n");
  const auto mine = run_cli({"sweep", "run", good, "--out", (dir / "mine").string()});
  CHECK(mine.exit_code == 2);
  CHECK_THAT(mine.err, Contains(".moesim-sweep"));
  CHECK(read_text(dir / "mine" / "notes.txt") == "keep\n");
}

TEST_CASE("a 32-point sweep runs each point once across a shard and a resume", "[sweep]") {
  TempDir dir("sweep-run");
  const std::string path = write_sweep(dir, kThirtyTwo);
  const fs::path out = dir / "out";
  const auto points = expand(path);
  REQUIRE(points.size() == 32);

  const auto shard =
      run_cli({"sweep", "run", path, "--out", out.string(), "-j", "2", "--shard", "0/2"});
  REQUIRE(shard.exit_code == 0);
  std::map<std::string, fs::file_time_type> shard_times;
  for (const auto& p : points) {
    const fs::path metrics = out / "points" / p.id / "metrics.json";
    CHECK(fs::exists(metrics) == (p.index % 2 == 0));
    if (p.index % 2 == 0) shard_times[p.id] = fs::last_write_time(metrics);
  }

  // Half the points have no result: collect marks them missing.
  REQUIRE(run_cli({"sweep", "collect", out.string()}).exit_code == 0);
  const auto half = lines_of(read_text(out / "results.csv"));
  REQUIRE(half.size() == 33);
  CHECK_THAT(half[0], Contains("id,strategies.placement,routing.generator,workload.tokens,status,"
                               "total_us,bound.step_bound_us,bound.binding"));
  CHECK_THAT(half[2], Contains(",missing,"));

  const auto full = run_cli({"sweep", "run", path, "--out", out.string(), "-j", "2"});
  REQUIRE(full.exit_code == 0);
  CHECK_THAT(full.err, Contains("16 already done, 16 to run"));
  for (const auto& [id, time] : shard_times) {
    CHECK(fs::last_write_time(out / "points" / id / "metrics.json") == time);
  }
  // runs.log: a line per point started; every point ran exactly once.
  const auto runs = lines_of(read_text(out / "runs.log"));
  CHECK(runs.size() == 32);
  CHECK(std::set<std::string>(runs.begin(), runs.end()).size() == 32);

  REQUIRE(run_cli({"sweep", "collect", out.string()}).exit_code == 0);
  const std::string results = read_text(out / "results.csv");
  const auto rows = lines_of(results);
  REQUIRE(rows.size() == 33);
  for (size_t i = 0; i < points.size(); ++i) {
    CHECK(rows[i + 1].rfind(points[i].id + ",", 0) == 0);
    CHECK_THAT(rows[i + 1], Contains(",ok,"));
  }
  REQUIRE(run_cli({"sweep", "collect", out.string()}).exit_code == 0);
  CHECK(read_text(out / "results.csv") == results);
  CHECK(read_text(out / "points.csv").rfind("id,strategies.placement,routing.generator,", 0) == 0);
}

TEST_CASE("a sweep point that fails exits 1 and keeps its stderr in a log", "[sweep]") {
  TempDir dir("sweep-fail");
  const std::string path = write_sweep(dir, "  axes:\n    workload.tokens: [16, 32]\n");
  const auto points = expand(path);
  const fs::path out = dir / "out";
  REQUIRE(run_cli({"sweep", "run", path, "--out", out.string(), "--shard", "1/2"}).exit_code == 0);
  CHECK_FALSE(fs::exists(out / "points" / (points[1].id + ".log")));
  // A folder without the result marker where point 0 writes: its run refuses it.
  write_text(out / "points" / points[0].id / "notes.txt", "keep\n");
  const auto r = run_cli({"sweep", "run", path, "--out", out.string()});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("FAILED (exit 2"));
  CHECK_THAT(read_text(out / "points" / (points[0].id + ".log")), Contains(".moesim-result"));
  CHECK(read_text(out / "points" / points[0].id / "notes.txt") == "keep\n");
}

TEST_CASE("moesim run on a scenario with a sweep block runs the base scenario", "[sweep]") {
  TempDir dir("sweep-base");
  const std::string path = write_sweep(dir, kThirtyTwo);
  const auto r = run_cli({"run", path, "--out", (dir / "base").string(), "--quiet", "--no-trace"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(read_text(dir / "base" / "resolved.yaml"), Contains("tokens: 64"));
}

TEST_CASE("sweep collect of a serving sweep has the serving metrics", "[sweep]") {
  TempDir dir("sweep-serving");
  const std::string base =
      read_text(moesim::test::source_path("tests/scenarios/serving_small.yaml"));
  write_text(dir / "serving_small.requests.csv",
             read_text(moesim::test::source_path("tests/scenarios/serving_small.requests.csv")));
  write_text(dir / "s.yaml", base + "\nsweep:\n  axes:\n    routing.generator: [uniform, zipf]\n");
  const fs::path out = dir / "out";
  REQUIRE(run_cli({"sweep", "run", (dir / "s.yaml").string(), "--out", out.string(), "-j", "2"})
              .exit_code == 0);
  REQUIRE(run_cli({"sweep", "collect", out.string()}).exit_code == 0);
  const auto rows = lines_of(read_text(out / "results.csv"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] ==
        "id,routing.generator,status,output_tokens_per_s,ttft_s.mean,ttft_s.median,ttft_s.p90,"
        "ttft_s.p99,tpot_s.mean,tpot_s.median,tpot_s.p90,tpot_s.p99,latency_s.p90,duration_s,"
        "bound.output_tokens_per_s,bound.binding,bound.fraction_of_bound,"
        "bound.step_fraction_of_bound");
  for (size_t i = 1; i < rows.size(); ++i) {
    CHECK_THAT(rows[i], Contains(",ok,"));
    CHECK(rows[i].find(",,") == std::string::npos);  // every metric present
  }
}

TEST_CASE("a sweep killed halfway stops its points and resumes without rerunning", "[sweep]") {
  TempDir dir("sweep-kill");
  const std::string path = write_sweep(dir, kThirtyTwo);
  const fs::path out = dir / "out";
  // SIGTERM once the first point has its result (polled every 0.05 s for up to 60 s, so a slow
  // build, such as the sanitizers', still kills it halfway): the sweep passes it to its running
  // points and waits for them. Whether it lands during or after the last point, what follows
  // must hold.
  const std::string command =
      "('" MOESIM_BINARY "' sweep run '" + path + "' --out '" + out.string() +
      "' -j 2 2>/dev/null & pid=$!; for i in $(seq 1200); do ls '" + out.string() +
      "'/points/*/metrics.json >/dev/null 2>&1 && break; sleep 0.05; done; kill -TERM $pid "
      "2>/dev/null; wait $pid) 2>/dev/null";
  std::system(command.c_str());
  REQUIRE(fs::is_directory(out / "points"));
  std::map<std::string, fs::file_time_type> finished;
  for (const auto& entry : fs::directory_iterator(out / "points")) {
    const std::string name = entry.path().filename().string();
    CHECK(name.find(".partial-") == std::string::npos);  // no staging of a killed point is left
    if (fs::exists(entry.path() / "metrics.json")) {
      finished[name] = fs::last_write_time(entry.path() / "metrics.json");
    }
  }
  const auto resumed = run_cli({"sweep", "run", path, "--out", out.string(), "-j", "2"});
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Contains(std::to_string(finished.size()) + " already done"));
  for (const auto& [id, time] : finished) {
    CHECK(fs::last_write_time(out / "points" / id / "metrics.json") == time);
  }
  const auto runs = lines_of(read_text(out / "runs.log"));
  for (const auto& p : expand(path)) {
    CHECK(fs::exists(out / "points" / p.id / "metrics.json"));
    const auto times = std::count(runs.begin(), runs.end(), p.id);
    CHECK(times >= 1);
    if (finished.count(p.id)) CHECK(times == 1);
  }
}
