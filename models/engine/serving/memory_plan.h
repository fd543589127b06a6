#pragma once
/// Device memory at start-up, as vLLM sizes it: a fraction of each GPU's memory is given to the
/// engine; weights and peak activations come out of it and the rest becomes KV-cache blocks.
///
/// Weights per GPU: the non-expert parameters (replicated across data-parallel ranks, split by
/// tensor parallelism) in the card's other-weight format plus the GPU's share of routed experts
/// (all experts / expert_parallel with expert parallelism, else sliced / tensor_parallel) in its
/// expert format, scales included (models/weight_format.h).
/// KV cache (models/kv_cache_layout.h), in the scenario's kv_cache_dtype (bf16 or fp8):
///   per layer and token kv_elements_per_token elements, of which a tensor-parallel GPU holds
///   kv_share_per_gpu: ceil(kv_heads / TP) / kv_heads for mha/gqa, all of it for mla (the
///   latent is replicated on every TP rank);
///   full-attention layers grow with every token: they alone size the blocks (bytes per token);
///   a window layer (sliding or chunked) keeps at most `size` tokens per sequence, so
///   size x max_num_seqs tokens of each window layer are reserved before the blocks are
///   counted; a model whose every layer is windowed counts them per token instead (no full
///   layer to size the blocks by; an over-estimate).
///   A pipeline stage holds 1 / pipeline_parallel of the layers.
/// Peak activations: the token budget's hidden vectors and its routed experts' intermediate
/// activations (2 x F per token-expert pair), plus fp32 logits for max_num_seqs sequences; a
/// stated estimate, not vLLM's profiling run.
///
/// Streamed weights (`host`, serving.weights: host; one GPU): the GPU holds a buffer of the two
/// largest decoder layers' weights (every expert: nothing is cached), the embedding and LM head
/// (resident: resident_head_bytes) and the activations; the KV cache is in host memory, so the
/// blocks are the host's kv_cache bytes (less the window layers' reservation) over the same
/// bytes per token x block_size. The whole model sits in host memory (host_weight_bytes).

#include <cstdint>
#include <string>

#include "models/dtype.h"
#include "models/engine/serving/batch_scheduler.h"
#include "models/engine/serving/host_offload.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/model_card.h"

namespace moesim {

struct MemoryPlan {
  double usable_bytes = 0;        ///< memory x utilisation
  double weight_bytes = 0;        ///< per GPU
  double activation_bytes = 0;    ///< per GPU
  double window_kv_bytes = 0;     ///< per GPU, reserved for the window layers' tokens
  double kv_bytes_per_token = 0;  ///< per GPU, the full-attention layers
  uint64_t kv_blocks = 0;         ///< per GPU (per data-parallel rank)
  /// Streamed weights: the KV blocks are in host memory, weight_bytes is the GPU's two-layer
  /// buffer with the embedding and LM head, and the whole model's weights are in host memory.
  bool streamed = false;
  double host_weight_bytes = 0;
};

/// Throws ConfigError naming `device`, what does not fit and by how much, when weights,
/// activations and the window reservation leave no room for even one KV block; with `host`,
/// when the buffer and activations do not fit the GPU, or serving.host.kv_cache holds no block.
MemoryPlan plan_memory(const ModelCard& card, const ParallelLayout& layout,
                       const SchedulerLimits& limits, uint32_t block_size, Dtype kv_cache,
                       double device_memory_bytes, double utilisation, const std::string& device,
                       const HostOffload* host = nullptr);

}  // namespace moesim
