#include "cli/app/serving_loader.h"

#include <filesystem>

#include <fmt/format.h>

#include "cli/app/strategy_loader.h"

namespace moesim {
namespace {

std::filesystem::path relative_to(const std::string& scenario_path, const std::string& given) {
  const std::filesystem::path p(given);
  return p.is_absolute() ? p : std::filesystem::path(scenario_path).parent_path() / p;
}

}  // namespace

void load_serving(YamlMap m, YamlMap& workload, const std::string& scenario_path,
                  ScenarioConfig& cfg, const StrategyCatalog& catalog,
                  const ParamCheckContext& check_context) {
  ServingScenario s;
  if (!cfg.card) {
    m.fail_here("serving needs the whole model: give model.card or model.config_json");
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
  if (m.has("async_scheduling")) s.async_scheduling = m.get_bool("async_scheduling");
  if (s.async_scheduling && s.layout.pipeline_parallel > 1) {
    m.fail("async_scheduling", "async scheduling with pipeline_parallel > 1 is not modelled");
  }
  if (m.has("profile")) {
    m.fail("profile",
           "a parameter of the profiled cost model: write cost_model: {name: profiled, profile: "
           "...}");
  }
  ParamCheckContext context = check_context;
  context.layout = &s.layout;
  s.scheduler = read_strategy(m, "scheduler", catalog.scheduler, "vllm_v1", context);
  s.cost_model = read_strategy(m, "cost_model", catalog.serving_cost, "profiled", context);
  s.moe_cost = read_strategy(m, "moe_cost", catalog.moe_cost, "profiled", context);
  if (m.has("framework_overhead")) {
    s.framework_overhead_us = m.get_time("framework_overhead").microseconds();
  }
  if (m.has("stats_interval")) {
    s.tick = m.get_time("stats_interval");
    if (s.tick <= Time::zero()) m.fail("stats_interval", "must be positive");
  }
  m.finish();

  s.requests = relative_to(scenario_path, workload.get_string("requests")).string();
  if (!std::filesystem::exists(s.requests)) {
    workload.fail("requests", fmt::format("no request file {}", s.requests));
  }
  cfg.serving = s;
}

}  // namespace moesim
