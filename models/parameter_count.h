#pragma once
/// Parameter counts of a model card, in elements (weights), exact for the formulas in
/// docs/models.md: embeddings, LM head unless tied, attention by type (MHA/GQA with optional
/// biases, q/k norms and sinks; MLA with its low-rank projections), norms, routers, routed and
/// shared experts, dense FFN layers, and a vision encoder when the card has one. MTP layers
/// are left out.

#include <cstdint>

#include "models/model_card.h"

namespace moesim {

/// Elements by part of the model; every figure covers all layers.
struct ParameterCounts {
  uint64_t input_embedding = 0;        ///< vocab_size x hidden_size
  uint64_t lm_head = 0;                ///< vocab_size x hidden_size, 0 when tied to the embedding
  uint64_t attention = 0;              ///< projections, biases, q/k norms, sinks, position buckets
  uint64_t norms = 0;                  ///< per-layer and final norms
  uint64_t dense_ffn = 0;              ///< FFNs of the dense layers
  uint64_t routers = 0;                ///< router weights, biases and score biases
  uint64_t routed_experts = 0;         ///< every routed expert of every MoE layer
  uint64_t active_routed_experts = 0;  ///< top_k routed experts of every MoE layer
  uint64_t shared_experts = 0;         ///< every shared expert of every MoE layer
  uint64_t vision_encoder = 0;         ///< vision tower and projector

  /// Every weight of the model.
  uint64_t total() const {
    return input_embedding + lm_head + attention + norms + dense_ffn + routers + routed_experts +
           shared_experts + vision_encoder;
  }
  /// Weights one text token passes through: every non-expert weight of the language model
  /// (both embeddings), top_k routed experts per MoE layer and the shared experts. The vision
  /// encoder is not active for text.
  uint64_t active() const {
    return input_embedding + lm_head + attention + norms + dense_ffn + routers +
           active_routed_experts + shared_experts;
  }
};

/// Elements of one self-attention block (projections, biases, q/k norms, sinks).
uint64_t attention_params(const AttentionSpec& attention, uint64_t hidden_size);

/// Elements of one FFN of the given width: 3 matrices when gated (SwiGLU), else 2, plus
/// biases when `bias`.
uint64_t ffn_params(Activation activation, uint64_t hidden_size, uint64_t intermediate_size,
                    bool bias);

ParameterCounts count_parameters(const ModelCard& card);

}  // namespace moesim
