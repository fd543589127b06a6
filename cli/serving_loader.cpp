#include "cli/serving_loader.h"

#include <filesystem>

#include <fmt/format.h>

#include "models/cost_model/layer_profile.h"

namespace moesim {
namespace {

std::filesystem::path relative_to(const std::string& scenario_path, const std::string& given) {
  const std::filesystem::path p(given);
  return p.is_absolute() ? p : std::filesystem::path(scenario_path).parent_path() / p;
}

}  // namespace

void load_serving(YamlMap m, YamlMap& workload, const std::string& scenario_path,
                  ScenarioConfig& cfg) {
  ServingScenario s;
  if (!cfg.card) {
    m.fail_here("serving needs the whole model: give model.card or model.config_json");
  }
  if (m.has("scheduler")) {
    s.scheduler = m.get_string("scheduler");
    if (s.scheduler != "vllm_v1" && s.scheduler != "static") {
      m.fail("scheduler", fmt::format("expected vllm_v1 or static, got \"{}\"", s.scheduler));
    }
  }
  if (m.has("max_num_seqs")) {
    s.limits.max_num_seqs = static_cast<uint32_t>(m.get_uint("max_num_seqs", 1, 1 << 20));
  }
  if (m.has("max_num_batched_tokens")) {
    s.limits.max_num_batched_tokens =
        static_cast<uint32_t>(m.get_uint("max_num_batched_tokens", 1, 1 << 24));
  }
  if (m.has("block_size")) s.block_size = static_cast<uint32_t>(m.get_uint("block_size", 1, 4096));
  if (m.has("gpu_memory_utilization")) {
    s.gpu_memory_utilization = m.get_double("gpu_memory_utilization", 0.01, 1.0);
  }
  if (m.has("data_parallel")) {
    s.layout.data_parallel = static_cast<uint32_t>(m.get_uint("data_parallel", 1, 1 << 16));
  }
  if (m.has("tensor_parallel")) {
    s.layout.tensor_parallel = static_cast<uint32_t>(m.get_uint("tensor_parallel", 1, 1024));
  }
  {
    // TP splits the attention heads; vLLM also splits the KV heads, or replicates them when TP
    // is a multiple of their count.
    const uint32_t tp = s.layout.tensor_parallel;
    const AttentionSpec& a = cfg.card->attention;
    if (a.num_heads % tp != 0) {
      m.fail("tensor_parallel", fmt::format("{} does not divide the {} attention heads of {}", tp,
                                            a.num_heads, cfg.card->name));
    }
    if (a.num_kv_heads > 0 && a.num_kv_heads % tp != 0 && tp % a.num_kv_heads != 0) {
      m.fail("tensor_parallel",
             fmt::format("{} neither divides nor is a multiple of the {} KV heads of {}", tp,
                         a.num_kv_heads, cfg.card->name));
    }
  }
  if (m.has("pipeline_parallel")) {
    s.layout.pipeline_parallel = static_cast<uint32_t>(m.get_uint("pipeline_parallel", 1, 1024));
  }
  if (s.layout.pipeline_parallel > cfg.card->num_layers) {
    m.fail("pipeline_parallel", fmt::format("{} stages for {} decoder layers",
                                            s.layout.pipeline_parallel, cfg.card->num_layers));
  }
  const bool expert_parallel = m.has("expert_parallel") && m.get_bool("expert_parallel");
  s.layout.expert_parallel =
      expert_parallel ? s.layout.data_parallel * s.layout.tensor_parallel : 1;
  if (!expert_parallel && s.layout.data_parallel > 1) {
    m.fail("expert_parallel",
           "data_parallel > 1 is modelled with expert parallelism only: set expert_parallel: true");
  }
  if (s.layout.gpus() > cfg.system.gpus) {
    m.fail("data_parallel", fmt::format("the layout needs {} GPUs but the machine has {}",
                                        s.layout.gpus(), cfg.system.gpus));
  }
  if (m.has("cost_model")) {
    s.cost_model = m.get_string("cost_model");
    if (s.cost_model != "profiled" && s.cost_model != "roofline") {
      m.fail("cost_model", fmt::format("expected profiled or roofline, got \"{}\"", s.cost_model));
    }
  }
  if (m.has("async_scheduling")) s.async_scheduling = m.get_bool("async_scheduling");
  if (s.async_scheduling && s.layout.pipeline_parallel > 1) {
    m.fail("async_scheduling", "async scheduling with pipeline_parallel > 1 is not modelled");
  }
  if (s.cost_model != "roofline") {
    if (s.layout.tensor_parallel > 1 && s.layout.expert_parallel > 1) {
      m.fail("tensor_parallel",
             "the profiled cost model runs tensor parallelism without expert parallelism (a "
             "profile's MoE table slices every expert over the TP GPUs); use cost_model: "
             "roofline for TP with EP");
    }
    const std::string profile = m.get_string("profile");
    const std::filesystem::path shipped = std::filesystem::path(MOESIM_PROFILES_DIR) / profile;
    const std::filesystem::path local = relative_to(scenario_path, profile);
    if (std::filesystem::is_directory(shipped)) {
      s.profile = shipped.string();
    } else if (std::filesystem::is_directory(local)) {
      s.profile = local.string();
    } else {
      m.fail("profile", fmt::format("no layer profile \"{}\" in {} or next to the scenario",
                                    profile, MOESIM_PROFILES_DIR));
    }
    const LayerProfile::Measured measured = LayerProfile::read_measured(s.profile);
    if (!measured.model.empty() && measured.model != cfg.card->name) {
      m.fail("profile", fmt::format("the profile \"{}\" was measured on {}, the scenario's model "
                                    "is {}",
                                    profile, measured.model, cfg.card->name));
    }
    if (!measured.gpu.empty() && measured.gpu != cfg.gpu.name) {
      m.fail("profile", fmt::format("the profile \"{}\" was measured on a {}, the scenario's GPU "
                                    "is {}; use a profile measured on {} or cost_model: roofline",
                                    profile, measured.gpu, cfg.gpu.name, cfg.gpu.name));
    }
    if (measured.tensor_parallel != s.layout.tensor_parallel) {
      m.fail("tensor_parallel",
             fmt::format("the profile \"{}\" was measured at tensor parallel {}, the layout has "
                         "{}; use a profile measured at {} or cost_model: roofline",
                         profile, measured.tensor_parallel, s.layout.tensor_parallel,
                         s.layout.tensor_parallel));
    }
  }
  if (m.has("framework_overhead")) {
    s.framework_overhead_us = m.get_time("framework_overhead").microseconds();
  }
  if (m.has("moe_cost")) {
    s.moe_cost = m.get_string("moe_cost");
    if (s.moe_cost != "profiled" && s.moe_cost != "roofline") {
      m.fail("moe_cost", fmt::format("expected profiled or roofline, got \"{}\"", s.moe_cost));
    }
  }
  if (m.has("stats_interval")) {
    s.tick = m.get_time("stats_interval");
    if (s.tick <= Time::zero()) m.fail("stats_interval", "must be positive");
  }
  const ModelCard& card = *cfg.card;
  if (s.cost_model == "profiled" && card.moe_layer_count() != card.num_layers) {
    m.fail_here(
        fmt::format("the profiled serving model needs every layer to be MoE; {} has {} "
                    "MoE layers of {}",
                    card.name, card.moe_layer_count(), card.num_layers));
  }
  m.finish();

  s.requests = relative_to(scenario_path, workload.get_string("requests")).string();
  if (!std::filesystem::exists(s.requests)) {
    workload.fail("requests", fmt::format("no request file {}", s.requests));
  }
  cfg.serving = s;
}

}  // namespace moesim
