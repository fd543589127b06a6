#include "models/engine/serving/memory_plan.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include "models/kv_cache_layout.h"
#include "models/layer_operators.h"
#include "models/parameter_count.h"
#include "sim/config_error.h"

namespace moesim {

MemoryPlan plan_memory(const ModelCard& card, const ParallelLayout& layout,
                       const SchedulerLimits& limits, uint32_t block_size, Dtype kv_cache,
                       double device_memory_bytes, double utilisation, const std::string& device,
                       const HostOffload* host) {
  constexpr double kLogitBytes = 4.0;  // fp32 logits
  const ParameterCounts params = count_parameters(card);

  MemoryPlan plan;
  plan.usable_bytes = device_memory_bytes * utilisation;
  const double routed = double(params.routed_experts);
  const double replicated = double(params.total() - params.routed_experts - params.vision_encoder);
  // Non-expert weights are split by tensor parallelism; routed experts over every GPU of the
  // stage (whole experts per expert-parallel rank, each sliced moe_tensor_parallel ways).
  const double expert_split = layout.stage_gpus();
  plan.weight_bytes = (replicated / layout.tensor_parallel * bytes_per_weight(card.weights.others) +
                       routed / expert_split * bytes_per_weight(card.weights.experts)) /
                      layout.pipeline_parallel;

  const double tokens = limits.max_num_batched_tokens;
  plan.activation_bytes = tokens * kActivationBytesPerElement *
                              (4.0 * double(card.hidden_size) +
                               2.0 * card.top_k * double(card.expert_intermediate_size)) +
                          double(limits.max_num_seqs) * double(card.vocab_size) * kLogitBytes;

  // One layer's cache per token on one GPU of the stage.
  const double layer_token_bytes =
      kv_elements_per_token(card.attention) * bytes_per_element(kv_cache) *
      kv_share_per_gpu(card.attention, layout.tensor_parallel) / layout.pipeline_parallel;
  uint32_t window_layers = 0;
  for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
    window_layers += is_window_layer(card, layer) ? 1 : 0;
  }
  const uint32_t full_layers = card.num_layers - window_layers;
  if (full_layers == 0) {
    plan.kv_bytes_per_token = layer_token_bytes * window_layers;
  } else {
    plan.kv_bytes_per_token = layer_token_bytes * full_layers;
    plan.window_kv_bytes = layer_token_bytes * window_layers * double(card.attention.window->size) *
                           limits.max_num_seqs;
  }

  const double block_bytes = plan.kv_bytes_per_token * block_size;
  if (host) {
    plan.streamed = true;
    plan.host_weight_bytes = resident_head_bytes(card);
    std::vector<double> layers;
    for (uint32_t layer = 0; layer < card.num_layers; ++layer) {
      layers.push_back(layer_weight_bytes(card, layer));
      plan.host_weight_bytes += layers.back();
    }
    std::sort(layers.begin(), layers.end(), std::greater<>());
    plan.weight_bytes = resident_head_bytes(card) + layers[0] + (layers.size() > 1 ? layers[1] : 0);
    const double gpu_short = plan.weight_bytes + plan.activation_bytes - plan.usable_bytes;
    if (gpu_short > 0) {
      throw ConfigError(fmt::format(
          "{}: the two-layer weight buffer with embedding and LM head ({:.2f} GB) and activations "
          "({:.2f} GB) of {} do not fit in {:.2f} GB usable ({:.0f}% of {:.2f} GB): short by "
          "{:.2f} GB",
          device, plan.weight_bytes / 1e9, plan.activation_bytes / 1e9, card.name,
          plan.usable_bytes / 1e9, 100 * utilisation, device_memory_bytes / 1e9, gpu_short / 1e9));
    }
    const double host_free = host->kv_cache_bytes - plan.window_kv_bytes;
    if (host_free < block_bytes) {
      throw ConfigError(fmt::format(
          "serving.host.kv_cache: {:.3f} GB of host memory holds no KV block of {} ({:.3f} GB "
          "needed for the window layers' reservation and one block of {} tokens)",
          host->kv_cache_bytes / 1e9, card.name, (plan.window_kv_bytes + block_bytes) / 1e9,
          block_size));
    }
    plan.kv_blocks = static_cast<uint64_t>(std::floor(host_free / block_bytes));
    return plan;
  }
  const double free =
      plan.usable_bytes - plan.weight_bytes - plan.activation_bytes - plan.window_kv_bytes;
  if (free < block_bytes) {
    throw ConfigError(fmt::format(
        "{}: weights ({:.2f} GB), activations ({:.2f} GB) and window-layer KV ({:.2f} GB) of {} "
        "do not fit in {:.2f} GB usable ({:.0f}% of {:.2f} GB): short by {:.2f} GB for even one "
        "KV block",
        device, plan.weight_bytes / 1e9, plan.activation_bytes / 1e9, plan.window_kv_bytes / 1e9,
        card.name, plan.usable_bytes / 1e9, 100 * utilisation, device_memory_bytes / 1e9,
        (block_bytes - free) / 1e9));
  }
  plan.kv_blocks = static_cast<uint64_t>(std::floor(free / block_bytes));
  return plan;
}

}  // namespace moesim
