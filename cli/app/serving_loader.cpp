#include "cli/app/serving_loader.h"

#include <fmt/format.h>

#include "cli/app/host_offload_loader.h"
#include "cli/app/serving_workload_loader.h"
#include "cli/app/strategy_loader.h"

namespace moesim {
namespace {

/// The MoE layers' split of a stage's data_parallel x tensor_parallel GPUs: expert_parallel
/// (true: every GPU an expert-parallel rank; false: every GPU a slice of every expert), or
/// moe_expert_parallel / moe_tensor_parallel (TRT-LLM's hybrid; one implies the other).
void read_moe_layout(YamlMap& m, ParallelLayout& layout) {
  const uint32_t stage = layout.stage_gpus();
  const bool ep_given = m.has("expert_parallel");
  const bool ep = ep_given && m.get_bool("expert_parallel");
  layout.expert_parallel = ep ? stage : 1;
  uint32_t moe_ep = 0, moe_tp = 0;
  if (m.has("moe_expert_parallel")) {
    moe_ep = static_cast<uint32_t>(m.get_uint("moe_expert_parallel", 1, 1 << 20));
  }
  if (m.has("moe_tensor_parallel")) {
    moe_tp = static_cast<uint32_t>(m.get_uint("moe_tensor_parallel", 1, 1 << 20));
  }
  const auto divides = [&](const char* key, uint32_t n) {
    if (stage % n != 0) {
      m.fail(key, fmt::format("{} does not divide the {} GPUs of a stage (data_parallel x "
                              "tensor_parallel)",
                              n, stage));
    }
  };
  if (moe_ep != 0) divides("moe_expert_parallel", moe_ep);
  if (moe_tp != 0) divides("moe_tensor_parallel", moe_tp);
  if (moe_ep != 0 && moe_tp != 0 && moe_ep * moe_tp != stage) {
    m.fail("moe_tensor_parallel",
           fmt::format("moe_expert_parallel {} x moe_tensor_parallel {} must equal the {} GPUs of "
                       "a stage",
                       moe_ep, moe_tp, stage));
  }
  if (moe_ep == 0 && moe_tp == 0) return;
  layout.expert_parallel = moe_ep != 0 ? moe_ep : stage / moe_tp;
  if (ep_given && !ep && layout.expert_parallel > 1) {
    m.fail("expert_parallel", "false contradicts an expert-parallel split of the MoE layers");
  }
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
  if (m.has("kv_cache_dtype")) {
    // vLLM's --kv-cache-dtype: auto (the activations' bf16) or fp8 (e4m3).
    const std::string dtype = m.get_string("kv_cache_dtype");
    const auto parsed = parse_dtype(dtype);
    if (parsed != Dtype::kBf16 && parsed != Dtype::kFp8) {
      m.fail("kv_cache_dtype", fmt::format("expected bf16 or fp8, got \"{}\"", dtype));
    }
    s.kv_cache_dtype = *parsed;
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
  read_moe_layout(m, s.layout);
  if (s.layout.gpus() > cfg.machine_gpus) {
    const ParallelLayout& l = s.layout;
    const uint32_t per_replica = l.tensor_parallel * l.pipeline_parallel;
    const std::string fits =
        cfg.machine_gpus >= per_replica
            ? fmt::format(
                  "at tensor_parallel {} and pipeline_parallel {} it holds data_parallel "
                  "up to {}",
                  l.tensor_parallel, l.pipeline_parallel, cfg.machine_gpus / per_replica)
            : fmt::format("tensor_parallel x pipeline_parallel alone needs {}", per_replica);
    m.fail("data_parallel",
           fmt::format("the layout needs {} GPUs (data_parallel {} x tensor_parallel {} x "
                       "pipeline_parallel {}) but the machine has {} ({} node(s)); {}",
                       l.gpus(), l.data_parallel, l.tensor_parallel, l.pipeline_parallel,
                       cfg.machine_gpus, cfg.system.nodes, fits));
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
  if (!m.has("cost_model") && m.has("weights") && m.get_string("weights") == "host") {
    // Said before the default, profiled, asks for its profile (host_offload_loader.h).
    m.fail("cost_model",
           "weights: host is modelled by the roofline cost model only: write "
           "cost_model: roofline (the default is profiled)");
  }
  s.cost_model = read_strategy(m, "cost_model", catalog.serving_cost, "profiled", context);
  s.moe_cost = read_strategy(m, "moe_cost", catalog.moe_cost, "profiled", context);
  if (m.has("framework_overhead")) {
    s.framework_overhead_us = m.get_time("framework_overhead").microseconds();
  }
  if (m.has("two_batch_overlap")) {
    s.two_batch_overlap = m.get_bool("two_batch_overlap");
    if (s.two_batch_overlap && s.cost_model.name != "roofline") {
      m.fail("two_batch_overlap",
             "the profiled cost model times whole measured batches, not micro-batches; use "
             "cost_model: roofline");
    }
    if (s.two_batch_overlap && s.layout.pipeline_parallel > 1) {
      m.fail("two_batch_overlap", "two-batch overlap with pipeline_parallel > 1 is not modelled");
    }
  }
  if (m.has("stats_interval")) {
    s.tick = m.get_time("stats_interval");
    if (s.tick <= Time::zero()) m.fail("stats_interval", "must be positive");
  }
  load_host_offload(m, s, cfg);
  if (m.has("slo")) {
    YamlMap slo = m.get_map("slo");
    ServiceLevels levels;
    for (const char* key : {"ttft", "tpot"}) {
      if (!slo.has(key)) continue;
      const Time t = slo.get_time(key);
      if (t <= Time::zero()) slo.fail(key, "must be positive");
      (std::string(key) == "ttft" ? levels.ttft : levels.tpot) = t;
    }
    slo.finish();
    if (!levels.ttft && !levels.tpot) slo.fail_here("expected ttft, tpot or both");
    s.slo = levels;
  }
  m.finish();

  load_serving_workload(workload, scenario_path, s);
  cfg.serving = s;
}

}  // namespace moesim
