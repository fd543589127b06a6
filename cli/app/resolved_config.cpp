#include "cli/app/resolved_config.h"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace moesim {
namespace {

std::string ps(Time t) {
  return fmt::format("{} ps", t.picoseconds());
}

void emit_explicit_graph(YAML::Emitter& y, const ExplicitConfig& graph) {
  y << YAML::Key << "graph" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
  for (const ExplicitNode& n : graph.nodes) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << n.name;
    y << YAML::Key << "kind" << YAML::Value << to_string(n.kind) << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
  for (const ExplicitLink& l : graph.links) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "from" << YAML::Value << l.from;
    y << YAML::Key << "to" << YAML::Value << l.to;
    y << YAML::Key << "bandwidth" << YAML::Value << fmt::format("{} B/s", l.bandwidth);
    y << YAML::Key << "latency" << YAML::Value << ps(l.latency);
    y << YAML::Key << "class" << YAML::Value << l.link_class;
    y << YAML::Key << "duplex" << YAML::Value << l.duplex << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
}

void emit_length(YAML::Emitter& y, const char* key, const LengthSpec& l) {
  y << YAML::Key << key << YAML::Value;
  switch (l.kind) {
    case LengthKind::uniform:
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "uniform" << YAML::Value << YAML::Flow
        << YAML::BeginSeq << l.low << l.high << YAML::EndSeq << YAML::EndMap;
      return;
    case LengthKind::lognormal:
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "lognormal" << YAML::Value << YAML::Flow
        << YAML::BeginMap << YAML::Key << "mean" << YAML::Value << l.mean << YAML::Key << "std"
        << YAML::Value << l.stddev << YAML::EndMap << YAML::EndMap;
      return;
    case LengthKind::fixed:
      y << l.value;
      return;
    case LengthKind::resample:
      break;
  }
  throw std::logic_error("a resampled length has no scenario form");
}

void emit_closed_loop(YAML::Emitter& y, const ClosedLoopSpec& c) {
  y << YAML::Key << "closed_loop" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "concurrency" << YAML::Value << c.concurrency;
  y << YAML::Key << "requests" << YAML::Value << c.requests;
  emit_length(y, "input_tokens", c.input);
  emit_length(y, "output_tokens", c.output);
  y << YAML::Key << "ramp" << YAML::Value
    << (c.ramp == ClientRamp::kFirstToken ? "first_token" : "at_once");
  if (c.connection_limit != 0) {
    y << YAML::Key << "connection_limit" << YAML::Value << c.connection_limit;
  }
  y << YAML::EndMap;
}

void emit_hardware(YAML::Emitter& y, const ScenarioConfig& c) {
  const SystemConfig& s = c.system;
  y << YAML::Key << "hardware" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "builder" << YAML::Value << s.builder;
  y << YAML::Key << "gpu" << YAML::Value << s.gpu;
  y << YAML::Key << "gpus" << YAML::Value << s.gpus;
  y << YAML::Key << "nodes" << YAML::Value << s.nodes;
  y << YAML::Key << "cpu_sockets" << YAML::Value << s.cpu_sockets;
  if (!s.cpu_interconnect.empty()) {
    y << YAML::Key << "cpu_interconnect" << YAML::Value << s.cpu_interconnect;
  }
  y << YAML::Key << "gpus_per_switch" << YAML::Value << s.gpus_per_switch;
  y << YAML::Key << "p2p" << YAML::Value << s.p2p;
  if (!s.nic_link.empty()) y << YAML::Key << "nic_link" << YAML::Value << s.nic_link;
  y << YAML::Key << "fabric" << YAML::Value << s.fabric;
  y << YAML::Key << "hosts_per_leaf" << YAML::Value << s.hosts_per_leaf;
  y << YAML::Key << "oversubscription" << YAML::Value << s.oversubscription;
  if (s.builder == "single_switch") {
    y << YAML::Key << "link_bandwidth" << YAML::Value << fmt::format("{} B/s", s.link_bandwidth);
    y << YAML::Key << "hop_latency" << YAML::Value << ps(s.hop_latency);
  }
  if (s.builder == "explicit") emit_explicit_graph(y, s.explicit_graph);
  y << YAML::Key << "switch_reduction" << YAML::Value << s.switch_reduction;
  y << YAML::Key << "comm" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "protocols" << YAML::Value << YAML::BeginMap;
  for (const CommProtocol& p : s.comm.protocols) {
    y << YAML::Key << p.name << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "base_latency" << YAML::Value << ps(p.base_latency);
    y << YAML::Key << "step_latency" << YAML::Value << ps(p.step_latency);
    y << YAML::Key << "bandwidth_efficiency" << YAML::Value << p.bandwidth_efficiency;
    y << YAML::Key << "switch_reduce" << YAML::Value << p.switch_reduce << YAML::EndMap;
  }
  y << YAML::EndMap;
  y << YAML::Key << "switch_reduce_efficiency" << YAML::Value << s.comm.switch_reduce_efficiency;
  if (!s.comm.fitted_on.empty()) y << YAML::Key << "fitted_on" << YAML::Value << s.comm.fitted_on;
  y << YAML::EndMap;
  y << YAML::Key << "gpu_overrides" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "peak_flops" << YAML::Value << fmt::format("{} FLOP/s", c.gpu.peak_flops);
  y << YAML::Key << "memory_bandwidth" << YAML::Value
    << fmt::format("{} B/s", c.gpu.memory_bandwidth);
  y << YAML::Key << "memory" << YAML::Value << fmt::format("{} B", c.gpu.memory_capacity);
  y << YAML::EndMap << YAML::EndMap;
}

std::string absolute_path(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

/// The parameters of a strategy as a mapping, "a.b" nested as key b of mapping a.
YAML::Node params_node(const Params& params) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& [name, value] : params.formatted()) {
    YAML::Node at = node;
    std::string rest = name;
    for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
      const std::string head = rest.substr(0, dot);
      if (!at[head]) at[head] = YAML::Node(YAML::NodeType::Map);
      at.reset(at[head]);
      rest = rest.substr(dot + 1);
    }
    at[rest] = value;
  }
  return node;
}

/// `key: name` for a strategy without parameters, else `key: {name, parameters...}`.
void emit_choice(YAML::Emitter& y, const std::string& key, const StrategyChoice& choice) {
  y << YAML::Key << key << YAML::Value;
  const YAML::Node params = params_node(choice.params);
  if (params.size() == 0) {
    y << choice.name;
    return;
  }
  y << YAML::BeginMap << YAML::Key << "name" << YAML::Value << choice.name;
  for (const auto& kv : params) y << YAML::Key << kv.first << YAML::Value << kv.second;
  y << YAML::EndMap;
}

/// The generator and every parameter it reads, defaults included.
void emit_routing(YAML::Emitter& y, const ScenarioConfig& c) {
  y << YAML::Key << "routing" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "generator" << YAML::Value << c.routing.name;
  for (const auto& kv : params_node(c.routing.params)) {
    y << YAML::Key << kv.first << YAML::Value << kv.second;
  }
  y << YAML::EndMap;
}

void emit_serving(YAML::Emitter& y, const ServingScenario& s) {
  y << YAML::Key << "serving" << YAML::Value << YAML::BeginMap;
  emit_choice(y, "scheduler", s.scheduler);
  y << YAML::Key << "max_num_seqs" << YAML::Value << s.limits.max_num_seqs;
  y << YAML::Key << "max_num_batched_tokens" << YAML::Value << s.limits.max_num_batched_tokens;
  y << YAML::Key << "block_size" << YAML::Value << s.block_size;
  y << YAML::Key << "gpu_memory_utilization" << YAML::Value << s.gpu_memory_utilization;
  y << YAML::Key << "kv_cache_dtype" << YAML::Value << std::string(to_string(s.kv_cache_dtype));
  y << YAML::Key << "data_parallel" << YAML::Value << s.layout.data_parallel;
  y << YAML::Key << "expert_parallel" << YAML::Value << (s.layout.expert_parallel > 1);
  if (s.layout.expert_parallel > 1 && s.layout.moe_tensor_parallel() > 1) {
    y << YAML::Key << "moe_tensor_parallel" << YAML::Value << s.layout.moe_tensor_parallel();
  }
  y << YAML::Key << "tensor_parallel" << YAML::Value << s.layout.tensor_parallel;
  y << YAML::Key << "pipeline_parallel" << YAML::Value << s.layout.pipeline_parallel;
  emit_choice(y, "cost_model", s.cost_model);
  y << YAML::Key << "framework_overhead" << YAML::Value
    << ps(Time::from_seconds_ceil(s.framework_overhead_us * 1e-6));
  y << YAML::Key << "async_scheduling" << YAML::Value << s.async_scheduling;
  y << YAML::Key << "two_batch_overlap" << YAML::Value << s.two_batch_overlap;
  emit_choice(y, "moe_cost", s.moe_cost);
  y << YAML::Key << "weights" << YAML::Value << (s.host ? "host" : "gpu");
  if (s.host) {
    y << YAML::Key << "host" << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "cpu" << YAML::Value << s.host->cpu.name;
    y << YAML::Key << "sockets" << YAML::Value << s.host->sockets;
    y << YAML::Key << "kv_cache" << YAML::Value << fmt::format("{:.0f} B", s.host->kv_cache_bytes);
    y << YAML::EndMap;
  }
  y << YAML::Key << "stats_interval" << YAML::Value << ps(s.tick);
  y << YAML::EndMap;
}

}  // namespace

std::string format_resolved_config(const ScenarioConfig& c) {
  YAML::Emitter y;
  y << YAML::Comment(fmt::format("resolved by moesim {}", MOESIM_VERSION));
  y << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << c.name;
  y << YAML::Key << "seed" << YAML::Value << c.seed;
  y << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  if (!c.card_name.empty()) y << YAML::Key << "card" << YAML::Value << c.card_name;
  if (!c.config_json.empty()) y << YAML::Key << "config_json" << YAML::Value << c.config_json;
  y << YAML::Key << "name" << YAML::Value << c.model.name;
  y << YAML::Key << "hidden_size" << YAML::Value << c.model.hidden_size;
  y << YAML::Key << "expert_ffn_size" << YAML::Value << c.model.expert_ffn_size;
  y << YAML::Key << "num_experts" << YAML::Value << c.model.num_experts;
  y << YAML::Key << "top_k" << YAML::Value << c.model.top_k;
  y << YAML::Key << "dtype" << YAML::Value << std::string(to_string(c.model.dtype));
  y << YAML::EndMap;
  emit_hardware(y, c);
  y << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
  if (c.serving && c.serving->closed_loop) {
    emit_closed_loop(y, *c.serving->closed_loop);
  } else if (c.serving) {
    y << YAML::Key << "requests" << YAML::Value << absolute_path(c.serving->requests);
  } else {
    y << YAML::Key << "tokens" << YAML::Value << c.tokens;
  }
  y << YAML::EndMap;
  if (c.serving) emit_serving(y, *c.serving);
  emit_routing(y, c);
  y << YAML::Key << "strategies" << YAML::Value << YAML::BeginMap;
  emit_choice(y, "placement", c.placement);
  emit_choice(y, "network", c.network);
  emit_choice(y, "dispatch", c.dispatch);
  emit_choice(y, "cost_model", c.cost_model);
  y << YAML::EndMap;
  if (!c.bounds.empty()) {
    y << YAML::Key << "bounds" << YAML::Value << YAML::BeginMap;
    for (const StrategyChoice& b : c.bounds) {
      y << YAML::Key << b.name << YAML::Value << params_node(b.params);
    }
    y << YAML::EndMap;
  }
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace moesim
