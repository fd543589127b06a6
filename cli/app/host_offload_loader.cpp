#include "cli/app/host_offload_loader.h"

#include <fmt/format.h>

namespace moesim {

void load_host_offload(YamlMap& m, ServingScenario& s, const ScenarioConfig& cfg) {
  std::string weights = "gpu";
  if (m.has("weights")) {
    weights = m.get_string("weights");
    if (weights != "gpu" && weights != "host") {
      m.fail("weights", fmt::format("expected gpu or host, got \"{}\"", weights));
    }
  }
  if (weights == "gpu") {
    if (m.has("host")) m.fail("host", "only with weights: host (the weights are on the GPU)");
    return;
  }
  if (!m.has("host")) {
    m.fail("weights", "weights: host needs a serving.host block (cpu, sockets, kv_cache)");
  }
  YamlMap h = m.get_map("host");
  HostOffload host;
  if (!h.has("cpu")) h.fail_here("missing required key 'cpu' (a CPU of cpus.yaml, per socket)");
  const std::string cpu = h.get_string("cpu");
  if (!cfg.hardware.has_cpu(cpu)) {
    h.fail("cpu", fmt::format("unknown CPU \"{}\" (cpus.yaml has: {})", cpu,
                              joined_names(cfg.hardware.cpus())));
  }
  host.cpu = cfg.hardware.cpu(cpu);
  if (h.has("sockets")) host.sockets = static_cast<uint32_t>(h.get_uint("sockets", 1, 64));
  if (!h.has("kv_cache")) {
    h.fail_here("missing required key 'kv_cache' (host memory for the KV cache, e.g. \"70 GB\")");
  }
  host.kv_cache_bytes = h.get_bytes("kv_cache");
  if (!(host.kv_cache_bytes > 0)) h.fail("kv_cache", "must be positive");
  h.finish();
  if (cfg.gpu.host_link.empty() || !cfg.hardware.has_link(cfg.gpu.host_link)) {
    m.fail("weights",
           fmt::format("{} has no host link in gpus.yaml to stream weights over", cfg.gpu.name));
  }
  host.host_link = cfg.hardware.link(cfg.gpu.host_link);

  // One GPU streams the whole model: the layouts that split it over GPUs, the micro-batch
  // overlap and the measured cost models are not modelled with it.
  const auto refuse = [&m](const char* key, const std::string& what) {
    m.fail(key, fmt::format("{} is not modelled with weights: host (one GPU streams every layer)",
                            what));
  };
  const ParallelLayout& l = s.layout;
  if (l.data_parallel > 1)
    refuse("data_parallel", fmt::format("data_parallel {}", l.data_parallel));
  if (l.tensor_parallel > 1) {
    refuse("tensor_parallel", fmt::format("tensor_parallel {}", l.tensor_parallel));
  }
  if (l.pipeline_parallel > 1) {
    refuse("pipeline_parallel", fmt::format("pipeline_parallel {}", l.pipeline_parallel));
  }
  if (s.two_batch_overlap) refuse("two_batch_overlap", "two-batch overlap");
  if (s.cost_model.name != "roofline") {
    refuse("cost_model",
           fmt::format("the {} cost model (use cost_model: roofline)", s.cost_model.name));
  }
  s.host = host;
}

}  // namespace moesim
