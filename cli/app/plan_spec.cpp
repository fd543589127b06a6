#include "cli/app/plan_spec.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cli/app/scenario_base.h"
#include "sim/config/yaml_map.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

/// A list of whole numbers in [1, max] at `key`; with `distinct`, none given twice.
std::vector<uint32_t> read_counts(YamlMap& map, const std::string& key, uint64_t max,
                                  bool distinct = true) {
  std::vector<uint32_t> counts;
  for (const std::string& text : map.get_string_list(key)) {
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > max) {
      map.fail(key, fmt::format("expected whole numbers from 1 to {}, got \"{}\"", max, text));
    }
    if (distinct && std::find(counts.begin(), counts.end(), value) != counts.end()) {
      map.fail(key, fmt::format("{} is given twice", value));
    }
    counts.push_back(static_cast<uint32_t>(value));
  }
  if (counts.empty()) map.fail(key, "expected at least one value");
  return counts;
}

/// A list of distinct names of `family`'s strategies at `key`; an unknown name fails with the
/// family's own message, which lists the known names.
std::vector<std::string> read_strategy_names(YamlMap& map, const std::string& key,
                                             const FamilyInfo& family) {
  std::vector<std::string> names;
  for (const std::string& name : map.get_string_list(key)) {
    if (family.find_info(name) == nullptr) map.fail(key, family.unknown_message(name));
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      map.fail(key, fmt::format("{} is given twice", name));
    }
    names.push_back(name);
  }
  if (names.empty()) map.fail(key, "expected at least one value");
  return names;
}

}  // namespace

PlanSpec read_plan_spec(const std::string& path, const ScenarioConfig& base,
                        const StrategyCatalog& catalog) {
  const uint32_t gpus_per_node = base.system.gpus;
  // With its base chain merged, as the run loads it: a block may come from a base.
  OverrideOrigins inherited;
  const YAML::Node root = load_with_base(path, inherited);
  const YAML::Node block = root.IsMap() ? root["plan"] : YAML::Node();
  if (!block.IsDefined() || block.IsNull()) {
    throw ConfigError(
        fmt::format("{}: plan: expected a `plan:` block (see docs/planning.md)", path));
  }
  YamlMap plan(block, path, "plan");
  PlanSpec spec;
  spec.scenario = path;

  const std::vector<uint32_t> nodes = read_counts(plan, "nodes", 1u << 16, false);
  if (nodes.size() != 2 || nodes[0] > nodes[1]) {
    plan.fail("nodes", "expected an inclusive range [FIRST, LAST] with FIRST <= LAST");
  }
  spec.min_nodes = nodes[0];
  spec.max_nodes = nodes[1];

  spec.tensor_parallel = read_counts(plan, "tensor_parallel", 1u << 16);
  for (const uint32_t tp : spec.tensor_parallel) {
    if (gpus_per_node % tp != 0) {
      plan.fail("tensor_parallel",
                fmt::format("{} does not divide a node's {} GPUs", tp, gpus_per_node));
    }
  }
  if (plan.has("pipeline_parallel")) {
    spec.pipeline_parallel = read_counts(plan, "pipeline_parallel", 1u << 16);
    const uint32_t layers = base.card ? base.card->num_layers : 0;
    for (const uint32_t pp : spec.pipeline_parallel) {
      if (layers > 0 && pp > layers) {
        plan.fail("pipeline_parallel", fmt::format("{} stages for the {} decoder layers of {}", pp,
                                                   layers, base.card->name));
      }
    }
  }
  if (plan.has("expert_parallel")) spec.expert_parallel = plan.get_bool("expert_parallel");
  if (plan.has("data_parallel")) spec.data_parallel = plan.get_bool("data_parallel");
  spec.max_num_seqs = read_counts(plan, "max_num_seqs", 1u << 20);
  spec.scenario_dispatch = base.dispatch.name;
  spec.scenario_placement = base.placement.name;
  spec.dispatch = plan.has("dispatch") ? read_strategy_names(plan, "dispatch", catalog.dispatch)
                                       : std::vector<std::string>{spec.scenario_dispatch};
  spec.placement = plan.has("placement") ? read_strategy_names(plan, "placement", catalog.placement)
                                         : std::vector<std::string>{spec.scenario_placement};

  spec.slo = read_plan_slo(plan.get_map("slo"));

  if (plan.has("cost")) {
    const std::string cost = plan.get_string("cost");
    if (cost != "gpus" && cost != "gpu_hour")
      plan.fail("cost", fmt::format("expected gpus or gpu_hour, got \"{}\"", cost));
    if (cost == "gpu_hour") {
      if (base.gpu.usd_per_hour <= 0) {
        plan.fail("cost", fmt::format("gpu_hour: no price for {}: give usd_per_hour in its "
                                      "gpus.yaml entry or hardware.gpu_overrides.usd_per_hour "
                                      "(the shipped catalogue states none)",
                                      base.gpu.name));
      }
      spec.usd_per_gpu_hour = base.gpu.usd_per_hour;
    }
  }
  plan.finish();
  return spec;
}

}  // namespace moesim
