#pragma once
/// Device memory at start-up, as vLLM sizes it: a fraction of each GPU's memory is given to the
/// engine; weights and peak activations come out of it and the rest becomes KV-cache blocks.
///
/// Weights per GPU: the non-expert parameters (replicated across data-parallel ranks, split by
/// tensor parallelism) plus the GPU's share of routed experts (all experts / expert_parallel
/// with expert parallelism, else sliced / tensor_parallel). KV cache per token: 2 x
/// kv_heads x head_dim elements per layer (mha/gqa) or kv_lora_rank + rope elements (mla), in
/// bf16. Peak activations: the token budget's hidden vectors and its routed experts'
/// intermediate activations (2 x F per token-expert pair), plus fp32 logits for max_num_seqs
/// sequences; a stated estimate, not vLLM's profiling run.

#include <cstdint>
#include <string>

#include "models/engine/serving/batch_scheduler.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/model_card.h"

namespace moesim {

struct MemoryPlan {
  double usable_bytes = 0;      ///< memory x utilisation
  double weight_bytes = 0;      ///< per GPU
  double activation_bytes = 0;  ///< per GPU
  double kv_bytes_per_token = 0;
  uint64_t kv_blocks = 0;  ///< per GPU (per data-parallel rank)
};

/// Throws ConfigError naming `device`, what does not fit and by how much, when weights and
/// activations leave no room for even one KV block.
MemoryPlan plan_memory(const ModelCard& card, const ParallelLayout& layout,
                       const SchedulerLimits& limits, uint32_t block_size,
                       double device_memory_bytes, double utilisation, const std::string& device);

}  // namespace moesim
