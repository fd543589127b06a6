#pragma once
/// What a model card's KV cache holds per token, which share of it each tensor-parallel GPU
/// keeps, and how far back windowed layers look. The memory plan and the decode reads of the
/// layer operators (and so the roofline serving cost) all follow these rules.

#include <cstdint>

#include "models/model_card.h"

namespace moesim {

/// Elements one layer caches per token: 2 x num_kv_heads x head_dim (mha, gqa), or
/// kv_lora_rank + qk_rope_head_dim (mla with absorbed projections: the latent is all it keeps).
double kv_elements_per_token(const AttentionSpec& a);

/// The share of a layer's KV cache that each of `tp` tensor-parallel GPUs holds and reads.
/// mha/gqa: ceil(num_kv_heads / tp) / num_kv_heads, since vLLM gives each rank whole KV heads
/// and replicates them when tp exceeds their count (8 heads at TP16: 1/8, not 1/16). mla: 1, the
/// latent serves every head, so every rank keeps all of it (vLLM and SGLang replicate it).
double kv_share_per_gpu(const AttentionSpec& a, uint32_t tp);

/// Whether decoder layer `layer` sees only a window of the context (sliding or chunked).
bool is_window_layer(const ModelCard& card, uint32_t layer);

/// Keys a token of `layer` attends to when `context` tokens precede it: at most the window's
/// size on a window layer, the whole context otherwise.
double attended_context(const ModelCard& card, uint32_t layer, double context);

}  // namespace moesim
