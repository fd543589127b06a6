#pragma once
/// The operators of one decoder layer of a model card, with their work in FLOPs and bytes, for
/// a batch that mixes prefill and decode tokens. Cost models turn them into time.
///
/// Counting rules (a multiply-add is 2 FLOPs; activations in bf16, as serving engines keep
/// them, whatever the weight format; the KV cache in the scenario's kv_cache_dtype):
///   attention (mha, gqa): q/k/v projections 2 T H (n_h + 2 n_kv) d, scores and weighted
///     values 4 T C n_h d for C keys attended per token, output projection 2 T n_h d H;
///     KV cache 2 n_kv d elements per token per layer, read C times per decode token.
///   window layers (sliding or chunked): C is at most the window's size, for prefill and
///     decode (models/kv_cache_layout.h).
///   attention (mla): q through its low-rank path (or directly), the compressed latent
///     kv_lora + rope per token (that is all the cache holds), its up-projection to keys and
///     values for prefill, scores over nope + rope and values over v_head_dim per head; decode
///     reads the latent cache (absorbed form).
///   router 2 T H E; routed experts 2 x 3 H F per routed token (SwiGLU), weights read once per
///   activated expert; shared experts and dense FFN layers likewise for every token.
/// Weight bytes follow the weight format (scales included). Precision per operator: a GEMM
/// runs at its weights' compute dtype (gemm_dtype: fp8 GEMMs at the fp8 peak), the attention
/// core (scores and weighted values) in bf16 whatever the weights or the KV cache are.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/dtype.h"
#include "models/model_card.h"
#include "models/weight_format.h"

namespace moesim {

/// Bytes per element of the activations: hidden states that collectives and pipeline hand-offs
/// move. bf16 whatever the weights: DeepSeek-V3 and vLLM's fp8 models
/// quantise the weights and, inside each GEMM, its inputs; the hidden states between layers
/// stay bf16.
constexpr double kActivationBytesPerElement = 2.0;

struct BatchShape {
  uint64_t prefill_tokens = 0;  ///< prompt tokens computed in this step
  double prefill_context = 0;   ///< mean keys each prefill token attends to (causal: ~L/2)
  uint64_t decode_tokens = 0;   ///< sequences producing one token each
  double decode_context = 0;    ///< mean KV length each decode token attends to
  uint64_t tokens() const { return prefill_tokens + decode_tokens; }
};

struct LayerOperator {
  std::string name;  ///< "attention.qkv", "moe.experts", ...
  double flops = 0.0;
  double weight_bytes = 0.0;      ///< weights read
  double activation_bytes = 0.0;  ///< token vectors read and written
  double kv_read_bytes = 0.0;
  double kv_write_bytes = 0.0;
  /// The key of GpuSpec::peak_flops_by_dtype its FLOPs run at.
  std::string_view compute_dtype = "bf16";
  /// All bytes moved to or from device memory.
  double bytes() const { return weight_bytes + activation_bytes + kv_read_bytes + kv_write_bytes; }
};

/// The operators of decoder layer `layer`. `tokens_per_expert` (size num_routed_experts) gives
/// the routed load of an MoE layer; it is ignored for dense layers. `kv_cache` is the dtype of
/// the cached keys and values (bf16 or fp8). Throws
/// std::invalid_argument for a layer out of range or a load of the wrong size.
std::vector<LayerOperator> decoder_layer_operators(const ModelCard& card, uint32_t layer,
                                                   const BatchShape& batch,
                                                   const std::vector<uint64_t>& tokens_per_expert,
                                                   const WeightFormats& weights, Dtype kv_cache);

/// The operators outside the decoder layers: the input embedding (a gather of one row per
/// token) and the LM head over the tokens that need logits (one per sequence in decode, the
/// last of each prompt in prefill): 2 T_out H V FLOPs and the H x V weights.
std::vector<LayerOperator> embedding_and_head_operators(const ModelCard& card, uint64_t tokens,
                                                        uint64_t logit_tokens,
                                                        WeightFormat weights);

/// Each of T tokens to top_k distinct experts spread evenly: the load of uniform routing.
std::vector<uint64_t> balanced_expert_load(const ModelCard& card, uint64_t tokens);

}  // namespace moesim
