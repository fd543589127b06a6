// The scenario key registry (cli/app/scenario_keys.h) declares every key the loaders read:
// every scenario under scenarios/ and tests/scenarios/ is loaded as the CLI loads it (run, and
// sweep or plan for their blocks; the study variants beside a scenario too), with a
// KeyReadObserver collecting each key path asked of the scenario file; each must be declared,
// or be a parameter of the strategy section it lies in. A few loads set the keys that no
// committed scenario sets, so that every declared key is also read by some load.

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "cli/app/plan_spec.h"
#include "cli/app/scenario_base.h"
#include "cli/app/scenario_keys.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/sweep_spec.h"
#include "sim/config/key_read_observer.h"
#include "support/scenario_files.h"

namespace fs = std::filesystem;
using moesim::test::source_path;

namespace {

std::vector<fs::path> files_under(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The `--set` arguments of each line of a scripts/study variants file ("NAME KEY=VALUE ...").
std::vector<std::vector<std::string>> read_variants(const fs::path& file) {
  std::vector<std::vector<std::string>> variants;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, set;
    if (!(words >> name) || name.starts_with("#")) continue;
    std::vector<std::string> sets;
    while (words >> set) sets.push_back(set);
    variants.push_back(std::move(sets));
  }
  return variants;
}

/// The declared form of a read key: the registry's path, or SECTION.PARAM below a strategy
/// section (its name segments as placeholders).
std::string declared_form(const moesim::ScenarioKeyRegistry& registry, const std::string& path) {
  if (const moesim::ScenarioKey* k = registry.find(path)) return k->path;
  if (const auto below = registry.section_below(path)) {
    return below->section->path + "." + below->rest;
  }
  return path;
}

}  // namespace

TEST_CASE("scenario keys: the registry declares every key a scenario loader reads", "[keys]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::ScenarioKeyRegistry registry;
  std::string scenario;  // the file being loaded: keys of other files are not scenario keys
  std::set<std::string> read;
  std::map<std::string, std::string> undeclared;  // key path -> the scenario that read it
  const moesim::KeyReadObserver observer([&](const std::string& file, const std::string& path) {
    if (file != scenario) return;  // model cards, systems.yaml, profiles read along the way
    read.insert(declared_form(registry, path));
    if (!registry.declares(path, catalog)) undeclared.emplace(path, scenario);
  });
  size_t sweeps = 0, plans = 0;
  // As the CLI loads a file: `run`, and `sweep run` or `plan` when it has their block.
  const auto load = [&](const fs::path& file, const std::vector<std::string>& sets) {
    scenario = file.string();
    INFO(scenario);
    std::vector<moesim::ScenarioOverride> overrides;
    for (const std::string& set : sets) overrides.push_back(moesim::parse_override("--set", set));
    const moesim::ScenarioConfig config = moesim::load_scenario(scenario, catalog, overrides);
    moesim::OverrideOrigins origins;
    const YAML::Node tree = moesim::load_with_base(scenario, origins);
    if (tree["sweep"]) {
      const moesim::SweepSpec spec = moesim::read_sweep_spec(scenario);
      moesim::expand_sweep(spec, catalog);
      for (const moesim::SweepAxis& axis : spec.axes) CHECK(registry.declares(axis.key, catalog));
      ++sweeps;
    }
    if (tree["plan"]) {
      moesim::read_plan_spec(scenario, config, catalog);
      ++plans;
    }
  };

  std::vector<fs::path> files = files_under(source_path("scenarios"), ".yaml");
  for (const fs::path& f : files_under(source_path("tests/scenarios"), ".yaml")) {
    files.push_back(f);
  }
  for (const fs::path& file : files) {
    load(file, {});
    fs::path study = file;
    study.replace_extension(".variants");
    if (!fs::exists(study)) continue;
    for (const auto& sets : read_variants(study)) load(file, sets);
  }
  // Keys no committed scenario sets, set on scenarios that load with them.
  load(source_path("scenarios/quickstart.yaml"),
       {"hardware.comm.protocols.ll.base_latency=1 us",
        "hardware.comm.protocols.ll.step_latency=0.2 us",
        "hardware.comm.protocols.ll.bandwidth_efficiency=0.5",
        "hardware.comm.protocols.ll.switch_reduce=false",
        "hardware.comm.switch_reduce_efficiency=0.5", "hardware.comm.fitted_on=nothing",
        "hardware.measured.comm=table.csv", "hardware.gpu_overrides.peak_flops=500 TFLOP/s",
        "hardware.gpu_overrides.memory_bandwidth=2 TB/s", "hardware.gpu_overrides.memory=40 GiB",
        "hardware.gpu_overrides.usd_per_hour=2.5",
        "hardware.link_overrides.nvlink4.bandwidth=400 GB/s",
        "hardware.link_overrides.nvlink4.latency=200 ns", "bounds.all_to_all.tokens=64",
        "bounds.straggler=~"});
  for (const auto& [input, output] :
       {std::pair{"uniform: [10, 20]", "lognormal: {mean: 50, std: 5}"},
        std::pair{"lognormal: {mean: 9, std: 1}", "uniform: [1, 8]"}}) {
    load(source_path("scenarios/serving/closed_loop_h100.yaml"),
         {fmt::format("workload.closed_loop.input_tokens={{{}}}", input),
          fmt::format("workload.closed_loop.output_tokens={{{}}}", output), "serving.slo.ttft=1 s",
          "serving.slo.tpot=50 ms"});
  }
  const moesim::test::TempDir dir("scenario-keys");
  moesim::test::write_text(
      dir / "excluding.yaml",
      fmt::format("base: {}\nsweep:\n  exclude:\n    - {{serving.data_parallel: 32, "
                  "routing.generator: zipf}}\n",
                  source_path("scenarios/studies/qwen3_235b_ep_sweep.yaml").string()));
  load(dir / "excluding.yaml", {});
  // Every plan.slo target, and a priced plan.
  moesim::test::write_text(
      dir / "priced_plan.yaml",
      fmt::format(
          "base: {}\nworkload:\n  requests: {}\nhardware:\n  gpu_overrides: "
          "{{usd_per_hour: 2}}\nplan:\n  cost: "
          "gpu_hour\n  placement: [contiguous]\n  slo:\n    ttft_mean: 1 s\n    "
          "ttft_median: 1 s\n    ttft_p99: 3 s\n    tpot_mean: 40 ms\n    tpot_median: "
          "40 ms\n    tpot_p99: 60 ms\n    output_tokens_per_s: 500\n    goodput: {{ttft: "
          "2 s, tpot: 50 ms, fraction: 0.9}}\n",
          source_path("scenarios/planning/deepseek_v3_slo.yaml").string(),
          source_path("scenarios/planning/workloads/poisson-5rps-1000-200-100.csv").string()));
  load(dir / "priced_plan.yaml", {});

  {
    std::string report;
    for (const auto& [path, file] : undeclared)
      report += "\n  " + path + " (read from " + file + ")";
    INFO("key paths read but not declared in cli/app/keys/:" << report);
    CHECK(undeclared.empty());
  }
  {
    // And the other way: every declared key is one that some load above read.
    std::string unread;
    for (const moesim::ScenarioKey& k : registry.keys()) {
      if (read.count(k.path) == 0) unread += "\n  " + k.path;
    }
    INFO("declared keys that no load read:" << unread);
    CHECK(unread.empty());
  }
  CHECK(files.size() >= 16);  // a shrinking set means scenarios went missing
  CHECK(sweeps >= 2);
  CHECK(plans >= 2);
}

TEST_CASE("scenario keys: every declared key is well-formed, each path once", "[keys]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::ScenarioKeyRegistry registry;
  std::set<std::string> paths;
  for (const moesim::ScenarioKey& k : registry.keys()) {
    INFO(k.path);
    CHECK(paths.insert(k.path).second);
    CHECK_FALSE(k.description.empty());
    CHECK_FALSE(k.default_text.empty());
    CHECK(registry.find(k.path) == &k);
    // Every block above a key is declared, up to the top level.
    const std::string parent = moesim::parent_key_path(k.path);
    if (!parent.empty()) CHECK(registry.find(parent) != nullptr);
    if (k.type == moesim::KeyType::kChoice) CHECK(k.choices.size() >= 2);
    if (k.type == moesim::KeyType::kStrategy) {
      CHECK(moesim::family_named(catalog, k.family) != nullptr);
    }
  }
}

TEST_CASE("scenario keys: placeholders and list indices match names, parameters their section",
          "[keys]") {
  const moesim::StrategyCatalog catalog = moesim::builtin_strategies();
  const moesim::ScenarioKeyRegistry registry;
  REQUIRE(registry.find("hardware.link_overrides.nvlink4.bandwidth") != nullptr);
  CHECK(registry.find("hardware.link_overrides.nvlink4.bandwidth")->path ==
        "hardware.link_overrides.<link>.bandwidth");
  CHECK(registry.find("hardware.graph.nodes[2].kind")->path == "hardware.graph.nodes[].kind");
  CHECK(registry.find("sweep.axes.serving.tensor_parallel")->path == "sweep.axes.<key path>");
  CHECK(registry.find("serving.max_num_seq") == nullptr);
  CHECK(registry.declares("strategies.dispatch.sms", catalog));
  CHECK(registry.declares("strategies.cost_model.per_operator.router", catalog));
  CHECK(registry.declares("routing.generator", catalog));
  CHECK(registry.declares("bounds.moe_lens_stage1", catalog));
  CHECK_FALSE(registry.declares("strategies.dispatch.bogus", catalog));
  CHECK_FALSE(registry.declares("routing.name", catalog));
}
