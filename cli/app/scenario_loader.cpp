#include "cli/app/scenario_loader.h"

#include <filesystem>

#include <fmt/format.h>

#include "cli/app/scenario_base.h"
#include "cli/app/serving_loader.h"
#include "cli/app/strategy_loader.h"
#include "cli/output_directory.h"
#include "models/hf_config_loader.h"
#include "models/model_card_loader.h"
#include "models/strategies/network/network_family.h"
#include "sim/config/yaml_map.h"
#include "sim/config_error.h"
#include "topologies/catalogue_loader.h"
#include "topologies/system_loader.h"

namespace moesim {
namespace {

constexpr uint64_t kMaxTokens = uint64_t{1} << 31;

/// The `model:` block: a catalogue card (`card:`) or a Hugging Face config.json
/// (`config_json:`, relative to the scenario file) gives the layer's shape; the explicit keys
/// override it, and without a card or config they are all required.
void load_model(YamlMap m, const std::string& scenario_path, MoeLayerShape& model,
                ScenarioConfig& cfg) {
  const bool from_card = m.has("card"), from_config = m.has("config_json");
  if (from_card && from_config) m.fail("config_json", "give either card or config_json, not both");
  if (from_card || from_config) {
    ModelCard card;
    if (from_card) {
      const std::string name = m.get_string("card");
      const auto file = default_model_catalogue_dir() / (name + ".yaml");
      if (!std::filesystem::exists(file)) {
        m.fail("card", fmt::format("unknown model card \"{}\" (see `moesim list models`)", name));
      }
      card = load_model_card(file);
      cfg.card_name = name;
    } else {
      const std::filesystem::path given = m.get_string("config_json");
      const std::filesystem::path file =
          given.is_absolute() ? given : std::filesystem::path(scenario_path).parent_path() / given;
      card = load_hf_config(file);
      cfg.config_json = std::filesystem::absolute(file).lexically_normal().string();
    }
    model.name = card.name;
    model.hidden_size = static_cast<uint32_t>(card.hidden_size);
    model.expert_ffn_size = static_cast<uint32_t>(card.expert_intermediate_size);
    model.num_experts = card.num_routed_experts;
    model.top_k = card.top_k;
    model.dtype = card.dtype;
    cfg.card = card;
  }
  const bool required = !from_card && !from_config;
  if (required || m.has("name")) model.name = m.get_string("name");
  if (required || m.has("hidden_size")) {
    model.hidden_size = static_cast<uint32_t>(m.get_uint("hidden_size", 1, 1 << 20));
  }
  if (required || m.has("expert_ffn_size")) {
    model.expert_ffn_size = static_cast<uint32_t>(m.get_uint("expert_ffn_size", 1, 1 << 22));
  }
  if (required || m.has("num_experts")) {
    model.num_experts = static_cast<uint32_t>(m.get_uint("num_experts", 1, 1 << 16));
  }
  if (required || m.has("top_k")) {
    model.top_k = static_cast<uint32_t>(m.get_uint("top_k", 1, model.num_experts));
  }
  if (model.top_k > model.num_experts || model.num_experts == 0) {
    m.fail_here(fmt::format("top_k {} exceeds num_experts {}", model.top_k, model.num_experts));
  }
  if (required || m.has("dtype")) {
    const std::string dtype = m.get_string("dtype");
    const auto parsed = parse_dtype(dtype);
    if (!parsed)
      m.fail("dtype", fmt::format("expected bf16, fp16, fp32 or fp8, got \"{}\"", dtype));
    model.dtype = *parsed;
    // On a card, a dtype other than the card's stores every weight in it, replacing the card's
    // quantization_config (memory plan, serving cost models). The card's own dtype changes
    // nothing, so that resolved.yaml, which always names the dtype, reruns alike.
    if (cfg.card && *parsed != cfg.card->dtype) {
      cfg.card->dtype = *parsed;
      cfg.card->weights = {format_of(*parsed), format_of(*parsed)};
    }
  }
  m.finish();
}

/// `hardware.link_overrides: {LINK: {bandwidth, latency}}`: catalogue link figures replaced
/// for this scenario (every link of that technology in the machine).
void override_links(YamlMap m, HardwareCatalogue& hardware) {
  for (const std::string& name : m.keys()) {
    if (!hardware.has_link(name)) {
      m.fail(name, fmt::format("unknown link \"{}\" (links.yaml has: {})", name,
                               joined_names(hardware.links())));
    }
    YamlMap o = m.get_map(name);
    LinkSpec link = hardware.link(name);
    if (o.has("bandwidth")) link.bandwidth = o.get_bandwidth("bandwidth");
    if (o.has("latency")) link.latency = o.get_time("latency");
    o.finish();
    hardware.replace(std::move(link));
  }
  m.finish();
}

/// The `hardware:` block: a machine from the catalogue (docs/scenario.md), and GPU overrides.
void load_hardware(YamlMap m, ScenarioConfig& cfg) {
  const std::filesystem::path dir = default_catalogue_dir();
  cfg.hardware = load_hardware_catalogue(dir);
  if (m.has("link_overrides")) override_links(m.get_map("link_overrides"), cfg.hardware);
  if (m.has("system")) {
    const std::string name = m.get_string("system");
    const auto systems = load_systems(dir / "systems.yaml", cfg.hardware);
    const auto it = systems.find(name);
    if (it == systems.end()) {
      m.fail("system", fmt::format("unknown system \"{}\" (systems.yaml has: {})", name,
                                   joined_names(systems)));
    }
    cfg.system = it->second;
  }
  read_system_keys(m, cfg.system, cfg.hardware);
  if (cfg.system.gpu.empty()) m.fail_here("missing required key 'gpu' (or 'system')");
  cfg.gpu = cfg.hardware.gpu(cfg.system.gpu);
  const std::string dtype(to_string(cfg.model.dtype));
  const auto peak = cfg.gpu.peak_flops_by_dtype.find(dtype);
  if (peak != cfg.gpu.peak_flops_by_dtype.end()) cfg.gpu.peak_flops = peak->second;
  if (m.has("gpu_overrides")) {
    YamlMap o = m.get_map("gpu_overrides");
    if (o.has("peak_flops")) {
      // One peak for every operator: the per-dtype peaks (roofline serving) give way to it.
      cfg.gpu.peak_flops = o.get_flop_rate("peak_flops");
      cfg.gpu.peak_flops_by_dtype.clear();
    }
    if (o.has("memory_bandwidth")) cfg.gpu.memory_bandwidth = o.get_bandwidth("memory_bandwidth");
    if (o.has("memory")) cfg.gpu.memory_capacity = o.get_bytes("memory");
    if (o.has("usd_per_hour")) cfg.gpu.usd_per_hour = o.get_double("usd_per_hour", 0.0, 1e6);
    o.finish();
  }
  if (cfg.gpu.peak_flops <= 0.0) {
    m.fail("gpu", fmt::format("the catalogue has no dense {} peak for {}; set "
                              "hardware.gpu_overrides.peak_flops",
                              dtype, cfg.gpu.name));
  }
  try {
    // Reports bad builder parameters here, with a line.
    const BuiltSystem built = build_system(cfg.system, cfg.hardware);
    cfg.machine_gpus = static_cast<uint32_t>(built.topology.gpus().size());
  } catch (const std::invalid_argument& e) {
    m.fail_here(e.what());
  }
  m.finish();
}

void load_strategies(YamlMap m, ScenarioConfig& cfg, const StrategyCatalog& catalog,
                     const ParamCheckContext& context) {
  cfg.placement = read_strategy(m, "placement", catalog.placement, "contiguous", context);
  const bool large_serving = context.layout && context.layout->gpus() > kFlowLevelServingGpus;
  cfg.network = read_strategy(m, "network", catalog.network,
                              large_serving ? "collective" : "max_min", context);
  cfg.cost_model = read_strategy(m, "cost_model", catalog.cost_model, "roofline", context);
  // Serving defaults to vLLM's backend; a layer pass to its flows of a flat all-to-allv.
  cfg.dispatch =
      read_strategy(m, "dispatch", catalog.dispatch,
                    context.serving ? "allgather_reducescatter" : "all_to_allv", context);
  m.finish();
}

/// `bounds:` maps each chosen bound to its parameters (or nothing: the defaults).
std::vector<StrategyChoice> load_bounds(YamlMap m, const BoundFamily& family,
                                        const ParamCheckContext& context) {
  std::vector<StrategyChoice> bounds;
  for (const std::string& name : m.keys()) {
    if (family.find_info(name) == nullptr) m.fail(name, family.unknown_message(name));
    if (m.is_null(name)) {
      bounds.push_back(default_strategy(family, name));
      continue;
    }
    // The bound's name is its key: no selector key inside its parameters.
    YamlMap params = m.get_map(name);
    if (family.find_info(name)->params.empty() && !params.keys().empty()) {
      params.fail(params.keys().front(),
                  fmt::format("unknown key: bound {} takes no parameters", name));
    }
    bounds.push_back(read_strategy_inline(params, "", family, name, context));
  }
  m.finish();
  return bounds;
}

}  // namespace

ScenarioConfig load_scenario(const std::string& path, const StrategyCatalog& catalog,
                             const std::vector<ScenarioOverride>& overrides) {
  auto origins = std::make_shared<OverrideOrigins>();
  YAML::Node tree = load_with_base(path, *origins);
  apply_overrides(tree, overrides);
  const auto set_origins = override_origins(overrides);  // kept alive over the loop
  origins->insert(origins->end(), set_origins->begin(), set_origins->end());
  YamlMap root(tree, path, "", origins);
  ScenarioConfig cfg;
  cfg.name = root.get_string("name");
  if (const auto why = unsafe_folder_name(cfg.name)) root.fail("name", *why);
  cfg.seed = root.has("seed") ? root.get_uint("seed", 0, UINT64_MAX) : 0;
  load_model(root.get_map("model"), path, cfg.model, cfg);

  load_hardware(root.get_map("hardware"), cfg);

  ParamCheckContext context;
  context.model = &cfg.model;
  context.card = cfg.card ? &*cfg.card : nullptr;
  context.gpu = cfg.gpu.name;
  context.scenario_dir = std::filesystem::path(path).parent_path();
  context.serving = root.has("serving");

  YamlMap workload = root.get_map("workload");
  if (context.serving) {
    load_serving(root.get_map("serving"), workload, path, cfg, catalog, context);
    context.layout = &cfg.serving->layout;
  } else {
    cfg.tokens = static_cast<uint32_t>(workload.get_uint("tokens", 1, kMaxTokens));
  }
  workload.finish();

  YamlMap routing = root.get_map("routing");
  cfg.routing = read_strategy_inline(routing, "generator", catalog.routing, "uniform", context);

  if (root.has("strategies")) {
    load_strategies(root.get_map("strategies"), cfg, catalog, context);
  } else {
    YamlMap none(YAML::Node(YAML::NodeType::Map), path, "strategies");
    load_strategies(none, cfg, catalog, context);
  }
  if (root.has("bounds")) cfg.bounds = load_bounds(root.get_map("bounds"), catalog.bound, context);
  // `moesim sweep` reads the sweep block (cli/app/sweep_spec.h); a run is of the base scenario.
  if (root.has("sweep")) root.get_map("sweep");
  // `moesim plan` reads the plan block (cli/app/plan_spec.h); a run is of the base scenario.
  if (root.has("plan")) root.get_map("plan");
  root.finish();
  return cfg;
}

}  // namespace moesim
