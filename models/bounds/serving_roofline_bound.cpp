#include "models/bounds/serving_roofline_bound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "models/cost_model/compute_peak.h"

namespace moesim {
namespace {

constexpr double kUnlimited = std::numeric_limits<double>::infinity();

/// The fewest experts a step can read: every routed token on experts 0 .. top_k - 1.
std::vector<uint64_t> concentrated_load(const ModelCard& card, uint64_t tokens) {
  std::vector<uint64_t> load(card.num_routed_experts, 0);
  for (uint32_t e = 0; e < card.top_k && e < load.size(); ++e) load[e] = tokens;
  return load;
}

struct Work {
  double compute_s = 0;       ///< at each operator's peak, on one GPU
  double bytes = 0;           ///< device memory traffic
  double weights = 0;         ///< of it, weights
  double expert_weights = 0;  ///< of the weights, routed experts'
  uint64_t experts_read = 0;  ///< routed experts read, summed over MoE layers
};

Work work_of(const ServingDeployment& d, const BatchShape& shape, uint64_t logit_tokens) {
  const ModelCard& card = d.card;
  const std::vector<uint64_t> load = concentrated_load(card, shape.tokens());
  Work w;
  auto add = [&](const std::vector<LayerOperator>& ops) {
    for (const LayerOperator& op : ops) {
      const double peak = at_compute_dtype(d.gpu, op.compute_dtype).peak_flops;
      w.compute_s += op.flops / peak;
      w.bytes += op.bytes();
      // The embedding gathers one row per token: its bytes grow with tokens, not steps.
      if (op.name != "embedding") w.weights += op.weight_bytes;
      if (op.name == "moe.experts") w.expert_weights += op.weight_bytes;
    }
  };
  for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
    add(decoder_layer_operators(card, layer, shape, load, card.weights, d.kv_cache));
    if (card.moe_layers.is_moe(layer) && shape.tokens() > 0) {
      w.experts_read += std::min<uint64_t>(card.top_k, card.num_routed_experts);
    }
  }
  add(embedding_and_head_operators(card, shape.tokens(), logit_tokens, card.weights.others));
  return w;
}

/// Bytes all GPUs together must send for `tokens` tokens: two all-reduces per layer within
/// each tensor-parallel group, and a hand-off at each pipeline stage boundary.
double network_bytes(const ServingDeployment& d, double tokens) {
  const double vector = d.card.hidden_size * kActivationBytesPerElement;
  const double tp = d.layout.tensor_parallel;
  const double all_reduce = 2.0 * d.card.num_layers * (tp - 1.0) * tokens * vector;
  const double handoff = (d.layout.pipeline_parallel - 1.0) * tokens * vector;
  return all_reduce + handoff;
}

/// `steps`: engine steps the work spans (each streams the weights once when they are streamed).
ResourceTimes resource_times(const ServingDeployment& d, const Work& w, double tokens, double steps,
                             const ExchangeBytes& exchange = {}) {
  const double gpus = d.layout.gpus();
  ResourceTimes t;
  t[Resource::kCompute] = w.compute_s / gpus;
  t[Resource::kMemory] = w.bytes / (gpus * d.gpu.memory_bandwidth);
  const double net = network_bytes(d, tokens) + exchange.bytes;
  // No known GPU-to-GPU link: the network is left out, which keeps the bound a bound.
  if (net > 0 && d.network_bandwidth > 0)
    t[Resource::kNetwork] = net / (gpus * d.network_bandwidth);
  if (d.streamed_bytes_per_step > 0) {
    t[Resource::kHostLink] = steps * d.streamed_bytes_per_step / (gpus * d.host_link_bandwidth);
  }
  if (exchange.across_nodes > 0 && d.nic_bandwidth > 0) {
    t[Resource::kNetwork] =
        std::max(t[Resource::kNetwork], exchange.across_nodes / (gpus * d.nic_bandwidth));
  }
  return t;
}

void check(const ServingDeployment& d) {
  if (d.streamed_bytes_per_step > 0 && d.host_link_bandwidth <= 0) {
    throw std::invalid_argument("serving bound: streamed weights need a host link bandwidth");
  }
  if (d.gpu.memory_bandwidth <= 0 || d.gpu.peak_flops <= 0) {
    throw std::invalid_argument(
        "serving bound: the GPU needs a peak FLOP/s and a memory bandwidth");
  }
}

}  // namespace

ResourceTimes step_lower_bound(const ServingDeployment& d, const BatchShape& step) {
  check(d);
  const uint64_t logits = step.decode_tokens + (step.prefill_tokens > 0 ? 1 : 0);
  return resource_times(d, work_of(d, step, logits), static_cast<double>(step.tokens()), 1.0);
}

ResourceTimes mean_step_lower_bound(const ServingDeployment& d, const RunWork& run) {
  check(d);
  if (run.steps <= 0) throw std::invalid_argument("serving bound: a run without steps");
  // The run's tokens as one step: their FLOPs and traffic, the weights once.
  BatchShape one = run.tokens;
  one.decode_tokens = std::max<uint64_t>(one.decode_tokens, 1);  // top_k experts to price one
  const uint64_t logits = run.tokens.decode_tokens + (run.tokens.prefill_tokens > 0 ? 1 : 0);
  Work w = work_of(d, run.tokens.tokens() > 0 ? run.tokens : one, logits);
  const double per_expert =
      w.experts_read > 0 ? w.expert_weights / static_cast<double>(w.experts_read) : 0.0;
  // Non-expert weights once per step; each step's active experts once each.
  w.bytes += (run.steps - 1.0) * (w.weights - w.expert_weights) - w.expert_weights +
             run.active_experts * per_expert;
  w.compute_s *= run.tokens.tokens() > 0 ? 1.0 : 0.0;
  ResourceTimes t =
      resource_times(d, w, static_cast<double>(run.tokens.tokens()), run.steps, run.exchange);
  for (double& seconds : t.seconds) seconds /= run.steps;
  return t;
}

ServingBound serving_throughput_bound(const ServingDeployment& d, const RequestMix& mix,
                                      const BatchLimits& limits) {
  check(d);
  if (mix.requests == 0 || mix.output_tokens < 1) {
    throw std::invalid_argument("serving bound: no requests, or requests without output");
  }
  ServingBound b;
  b.tokens_per_s.fill(kUnlimited);
  const double n = static_cast<double>(mix.requests);
  const double g = mix.output_tokens;
  const double p = mix.prompt_tokens;

  // Compute and network over each request's whole life: its prompt, then g - 1 decode steps
  // (the prompt's step gives the first token).
  BatchShape life;
  life.prefill_tokens = static_cast<uint64_t>(std::floor(p));
  life.prefill_context = mix.prefill_context;
  life.decode_tokens = static_cast<uint64_t>(std::floor(g - 1.0));
  life.decode_context = mix.decode_context;
  const double life_tokens = static_cast<double>(life.tokens());
  const ResourceTimes per_request =
      resource_times(d, work_of(d, life, static_cast<uint64_t>(std::floor(g))), life_tokens, 0.0);
  for (const Resource r : {Resource::kCompute, Resource::kNetwork}) {
    if (per_request[r] > 0) b.tokens_per_s[static_cast<size_t>(r)] = g / per_request[r];
  }

  // HBM and host link: decode steps of `batch` sequences, each reading the weights and the
  // batch's KV, and streaming the weights when they live in host memory.
  const double held =
      std::ceil((p + 1.0) / limits.block_tokens) * static_cast<double>(limits.block_tokens);
  const uint64_t kv_batch = static_cast<uint64_t>(static_cast<double>(limits.kv_tokens) / held);
  const uint64_t other_batch = std::max<uint64_t>(1, std::min(limits.max_sequences, mix.requests));
  b.batch = std::max<uint64_t>(1, std::min(kv_batch, other_batch));
  // Output tokens/s of each resource when steps decode `batch` sequences: n (g - 1) decode
  // tokens in steps of `batch`; the n prompt steps give the other n tokens.
  auto decode_rates = [&](uint64_t batch) {
    std::array<double, kResourceCount> rate;
    rate.fill(kUnlimited);
    if (g <= 1.0) return rate;
    BatchShape step;
    step.decode_tokens = batch;
    step.decode_context = mix.decode_context;
    const ResourceTimes t = resource_times(d, work_of(d, step, batch), 0.0, 1.0);
    for (const Resource r : {Resource::kMemory, Resource::kHostLink}) {
      if (t[r] > 0)
        rate[static_cast<size_t>(r)] = g / (g - 1.0) * static_cast<double>(batch) / t[r];
    }
    return rate;
  };
  const auto unlimited = decode_rates(other_batch);
  for (const Resource r : {Resource::kMemory, Resource::kHostLink}) {
    b.tokens_per_s[static_cast<size_t>(r)] = unlimited[static_cast<size_t>(r)];
  }
  if (kv_batch < other_batch) {
    const auto limited = decode_rates(b.batch);
    b.tokens_per_s[static_cast<size_t>(Resource::kKvCapacity)] =
        std::min(limited[static_cast<size_t>(Resource::kMemory)],
                 limited[static_cast<size_t>(Resource::kHostLink)]);
  }
  if (mix.arrival_span_s > 0) {
    b.tokens_per_s[static_cast<size_t>(Resource::kArrivals)] = n * g / mix.arrival_span_s;
  }
  const auto least = std::min_element(b.tokens_per_s.begin(), b.tokens_per_s.end());
  b.output_tokens_per_s = *least;
  b.binding = static_cast<Resource>(least - b.tokens_per_s.begin());
  b.decode_steps = n * std::max(0.0, g - 1.0) / static_cast<double>(b.batch);
  return b;
}

}  // namespace moesim
