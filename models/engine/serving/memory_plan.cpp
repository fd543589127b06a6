#include "models/engine/serving/memory_plan.h"

#include <cmath>

#include <fmt/format.h>

#include "models/layer_operators.h"
#include "models/parameter_count.h"
#include "sim/config_error.h"

namespace moesim {

MemoryPlan plan_memory(const ModelCard& card, const ParallelLayout& layout,
                       const SchedulerLimits& limits, uint32_t block_size,
                       double device_memory_bytes, double utilisation, const std::string& device) {
  constexpr double kActivationBytes = kActivationBytesPerElement;  // and the KV cache
  constexpr double kLogitBytes = 4.0;                              // fp32 logits
  // As the roofline serving model reads them (fp8 block scales included).
  const double weight_bytes_per_param = bytes_per_weight(weight_format(card));
  const ParameterCounts params = count_parameters(card);

  MemoryPlan plan;
  plan.usable_bytes = device_memory_bytes * utilisation;
  const double routed = double(params.routed_experts);
  const double replicated = double(params.total() - params.routed_experts - params.vision_encoder);
  // Non-expert weights are split by tensor parallelism; routed experts over every GPU of the
  // stage (whole experts per expert-parallel rank, each sliced moe_tensor_parallel ways).
  const double expert_split = layout.stage_gpus();
  plan.weight_bytes = (replicated / layout.tensor_parallel + routed / expert_split) *
                      weight_bytes_per_param / layout.pipeline_parallel;

  const double tokens = limits.max_num_batched_tokens;
  plan.activation_bytes = tokens * kActivationBytes *
                              (4.0 * double(card.hidden_size) +
                               2.0 * card.top_k * double(card.expert_intermediate_size)) +
                          double(limits.max_num_seqs) * double(card.vocab_size) * kLogitBytes;

  const AttentionSpec& a = card.attention;
  const double per_layer = a.type == AttentionType::kMla
                               ? double(a.kv_lora_rank + a.qk_rope_head_dim)
                               : 2.0 * a.num_kv_heads * a.head_dim;
  plan.kv_bytes_per_token = per_layer * card.num_layers * kActivationBytes /
                            layout.tensor_parallel / layout.pipeline_parallel;

  const double free = plan.usable_bytes - plan.weight_bytes - plan.activation_bytes;
  const double block_bytes = plan.kv_bytes_per_token * block_size;
  if (free < block_bytes) {
    throw ConfigError(fmt::format(
        "{}: weights ({:.2f} GB) and activations ({:.2f} GB) of {} do not fit in {:.2f} GB "
        "usable ({:.0f}% of {:.2f} GB): short by {:.2f} GB for even one KV block",
        device, plan.weight_bytes / 1e9, plan.activation_bytes / 1e9, card.name,
        plan.usable_bytes / 1e9, 100 * utilisation, device_memory_bytes / 1e9,
        (block_bytes - free) / 1e9));
  }
  plan.kv_blocks = static_cast<uint64_t>(std::floor(free / block_bytes));
  return plan;
}

}  // namespace moesim
