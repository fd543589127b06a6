#include "cli/scenario_loader.h"

#include <fmt/format.h>

#include "sim/config/yaml_map.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

constexpr uint64_t kMaxGpus = 1 << 20;
constexpr uint64_t kMaxTokens = uint64_t{1} << 31;

void load_model(YamlMap m, MoeLayerShape& model) {
  model.name = m.get_string("name");
  model.hidden_size = static_cast<uint32_t>(m.get_uint("hidden_size", 1, 1 << 20));
  model.expert_ffn_size = static_cast<uint32_t>(m.get_uint("expert_ffn_size", 1, 1 << 22));
  model.num_experts = static_cast<uint32_t>(m.get_uint("num_experts", 1, 1 << 16));
  model.top_k = static_cast<uint32_t>(m.get_uint("top_k", 1, model.num_experts));
  const std::string dtype = m.get_string("dtype");
  const auto parsed = parse_dtype(dtype);
  if (!parsed) m.fail("dtype", fmt::format("expected bf16, fp16, fp32 or fp8, got \"{}\"", dtype));
  model.dtype = *parsed;
  m.finish();
}

void load_gpu(YamlMap m, GpuSpec& gpu) {
  gpu.name = m.get_string("name");
  gpu.peak_flops = m.get_flop_rate("peak_flops");
  gpu.memory_bandwidth = m.get_bandwidth("memory_bandwidth");
  if (m.has("memory")) gpu.memory_capacity = m.get_bytes("memory");
  m.finish();
}

void load_topology(YamlMap m, SingleSwitchConfig& fabric) {
  const std::string builder = m.get_string("builder");
  if (builder != "single_switch") {
    m.fail("builder",
           fmt::format("unknown topology builder \"{}\" (known: single_switch)", builder));
  }
  fabric.gpus = static_cast<uint32_t>(m.get_uint("gpus", 1, kMaxGpus));
  fabric.link_bandwidth = m.get_bandwidth("link_bandwidth");
  fabric.hop_latency = m.get_time("hop_latency");
  m.finish();
}

template <class Factory>
std::string strategy_name(YamlMap& m, const std::string& key, const StrategyFamily<Factory>& family,
                          const std::string& fallback) {
  if (!m.has(key)) return fallback;
  const std::string name = m.get_string(key);
  if (family.find(name) == nullptr) {
    m.fail(key, fmt::format("unknown {} strategy \"{}\" (known: {})", family.name(), name,
                            fmt::join(family.names(), ", ")));
  }
  return name;
}

void load_cost_model(YamlMap m, ScenarioConfig& cfg, const StrategyCatalog& catalog) {
  cfg.cost_model = strategy_name(m, "name", catalog.cost_model, cfg.cost_model);
  if (m.has("compute_efficiency")) {
    cfg.roofline.compute_efficiency = m.get_double("compute_efficiency", 1e-6, 1.0);
  }
  if (m.has("memory_efficiency")) {
    cfg.roofline.memory_efficiency = m.get_double("memory_efficiency", 1e-6, 1.0);
  }
  if (m.has("kernel_overhead")) cfg.roofline.kernel_overhead = m.get_time("kernel_overhead");
  m.finish();
}

void load_strategies(YamlMap m, ScenarioConfig& cfg, const StrategyCatalog& catalog) {
  cfg.placement = strategy_name(m, "placement", catalog.placement, cfg.placement);
  cfg.network = strategy_name(m, "network", catalog.network, cfg.network);
  if (m.has("cost_model")) load_cost_model(m.get_map("cost_model"), cfg, catalog);
  m.finish();
}

}  // namespace

ScenarioConfig load_scenario(const std::string& path, const StrategyCatalog& catalog) {
  YamlMap root(load_yaml_file(path), path, "");
  ScenarioConfig cfg;
  cfg.name = root.get_string("name");
  cfg.seed = root.has("seed") ? root.get_uint("seed", 0, UINT64_MAX) : 0;
  load_model(root.get_map("model"), cfg.model);

  YamlMap hardware = root.get_map("hardware");
  load_gpu(hardware.get_map("gpu"), cfg.gpu);
  load_topology(hardware.get_map("topology"), cfg.fabric);
  hardware.finish();

  YamlMap workload = root.get_map("workload");
  cfg.tokens = static_cast<uint32_t>(workload.get_uint("tokens", 1, kMaxTokens));
  workload.finish();

  YamlMap routing = root.get_map("routing");
  cfg.routing = strategy_name(routing, "generator", catalog.routing, cfg.routing);
  routing.finish();

  if (root.has("strategies")) load_strategies(root.get_map("strategies"), cfg, catalog);
  root.finish();
  return cfg;
}

}  // namespace moesim
