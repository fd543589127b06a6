#include "cli/app/bound_context.h"

#include <algorithm>
#include <map>
#include <memory>

#include "cli/app/serving_bound.h"
#include "models/kv_cache_layout.h"
#include "models/parameter_count.h"
#include "models/weight_format.h"
#include "sim/rng.h"

namespace moesim {
namespace {

double link_bandwidth(const ScenarioConfig& c, const std::string& name) {
  return !name.empty() && c.hardware.has_link(name) ? c.hardware.link(name).bandwidth : 0.0;
}

double model_bytes(const ModelCard& card) {
  const ParameterCounts p = count_parameters(card);
  const double routed = static_cast<double>(p.routed_experts);
  const double others = static_cast<double>(p.total() - p.routed_experts - p.vision_encoder);
  return routed * bytes_per_weight(card.weights.experts) +
         others * bytes_per_weight(card.weights.others);
}

/// The full-attention layers' KV cache per token, all heads (window layers hold a bounded
/// window and are left out).
double kv_bytes_per_token(const ModelCard& card, Dtype kv_cache) {
  uint32_t full = 0;
  for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
    if (!is_window_layer(card, layer)) ++full;
  }
  return kv_elements_per_token(card.attention) * bytes_per_element(kv_cache) * full;
}

std::vector<RequestClass> request_classes(const std::vector<ServingRequest>& requests) {
  std::map<std::pair<uint32_t, uint32_t>, double> counts;
  for (const ServingRequest& r : requests) counts[{r.input_tokens, r.output_tokens}] += 1.0;
  std::vector<RequestClass> classes;
  for (const auto& [lengths, count] : counts) {
    classes.push_back({static_cast<double>(lengths.first), lengths.second, count});
  }
  return classes;
}

}  // namespace

BoundContext bound_context(const ScenarioConfig& config, const StrategyCatalog& catalog,
                           const ServingRun* run) {
  BoundContext c;
  c.model = &config.model;
  c.gpu = config.gpu;
  c.host_link_bandwidth = link_bandwidth(config, config.gpu.host_link);
  c.gpus_per_node = config.system.gpus;
  c.scale_up_bandwidth =
      std::max(link_bandwidth(config, config.gpu.scale_up_link), c.host_link_bandwidth);
  if (config.system.nodes > 1)
    c.scale_out_bandwidth = link_bandwidth(config, config.system.nic_link);
  const uint32_t moe_layers = config.card ? config.card->moe_layer_count() : 1;
  if (run != nullptr) {
    const ServingScenario& s = *config.serving;
    c.gpus = s.layout.gpus();
    c.expert_ranks = s.layout.expert_parallel;
    c.deployment = serving_deployment(*run);
    c.mix = request_mix(*run);
    c.limits = batch_limits(*run);
    c.batch_tokens = std::max<uint64_t>(1, std::min(c.limits.max_sequences, c.mix.requests));
    c.request_classes = request_classes(run->simulation().requests());
    c.kv_bytes_per_token = kv_bytes_per_token(*config.card, s.kv_cache_dtype);
    c.model_bytes = model_bytes(*config.card);
    if (s.host) {
      c.host = HostSide{s.host->cpu, s.host->sockets, s.host->kv_cache_bytes, true};
      c.host_link_bandwidth = s.host->host_link.bandwidth;
    }
  } else {
    c.gpus = config.machine_gpus;
    c.expert_ranks = config.machine_gpus;
    c.batch_tokens = config.tokens;
  }
  const ScenarioConfig* cfg = &config;
  const StrategyCatalog* cat = &catalog;
  c.sample_routing = [cfg, cat, run, moe_layers](uint64_t tokens) {
    RngStreams rng(cfg->seed);
    const RoutingContext context{{cfg->model.num_experts, cfg->model.top_k}, &rng, moe_layers};
    const std::unique_ptr<RoutingGenerator> generator = cat->routing.make(cfg->routing, context);
    RoutingSample sample(moe_layers);
    TokenRouting routing;
    std::vector<TokenContext> contexts;
    if (run != nullptr) contexts = leading_token_contexts(run->simulation().requests(), tokens);
    for (uint32_t layer = 0; layer < moe_layers; ++layer) {
      if (run != nullptr) {
        generator->generate_with_context(layer, contexts, routing);
      } else {
        generator->generate(layer, static_cast<uint32_t>(tokens), routing);
      }
      sample[layer] = routing;
    }
    return sample;
  };
  return c;
}

}  // namespace moesim
