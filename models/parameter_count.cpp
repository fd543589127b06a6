#include "models/parameter_count.h"

namespace moesim {
namespace {

/// Adds one stack of `layers` decoder (or encoder) layers to `counts`.
void count_stack(const ModelCard& c, uint32_t layers, bool cross_attention,
                 ParameterCounts& counts) {
  const uint64_t h = c.hidden_size;
  const uint64_t self_attention = attention_params(c.attention, h);
  const uint64_t expert = ffn_params(c.activation, h, c.expert_intermediate_size, c.expert_bias);
  const uint64_t experts = c.num_routed_experts;
  const uint64_t router =
      experts * h + (c.router.router_bias ? experts : 0) + (c.router.score_bias ? experts : 0);
  const uint64_t shared =
      c.num_shared_experts * ffn_params(c.activation, h, c.shared_expert_intermediate_size, false);
  // Relative position buckets live in the first self-attention layer of each stack.
  counts.attention += uint64_t{c.attention.relative_position_buckets} * c.attention.num_heads;
  for (uint32_t i = 0; i < layers; ++i) {
    // Pre-attention and pre-FFN norms, plus one before cross-attention.
    counts.norms += (cross_attention ? 3 : 2) * h;
    counts.attention += cross_attention ? 2 * self_attention : self_attention;
    if (c.moe_layers.is_moe(i)) {
      counts.routers += router;
      counts.routed_experts += experts * expert;
      counts.active_routed_experts += c.top_k * expert;
      counts.shared_experts += shared;
    } else {
      counts.dense_ffn += ffn_params(c.activation, h, c.dense_intermediate_size, false);
    }
  }
  counts.norms += h;  // final norm of the stack
}

}  // namespace

uint64_t attention_params(const AttentionSpec& a, uint64_t h) {
  const uint64_t heads = a.num_heads;
  if (a.type == AttentionType::kMla) {
    const uint64_t qk_head = uint64_t{a.qk_nope_head_dim} + a.qk_rope_head_dim;
    // Queries: h -> q_lora_rank (normed) -> heads x qk_head, or h -> heads x qk_head directly.
    const uint64_t q = a.q_lora_rank > 0
                           ? h * a.q_lora_rank + a.q_lora_rank + a.q_lora_rank * heads * qk_head
                           : h * heads * qk_head;
    // Keys and values: h -> kv_lora_rank latent (normed) plus one shared rotary key; the
    // latent expands to per-head no-rope keys and values.
    const uint64_t kv = h * (uint64_t{a.kv_lora_rank} + a.qk_rope_head_dim) + a.kv_lora_rank +
                        uint64_t{a.kv_lora_rank} * heads * (a.qk_nope_head_dim + a.v_head_dim);
    const uint64_t out = heads * a.v_head_dim * h;
    return q + kv + out;
  }
  const uint64_t q_width = heads * a.head_dim;
  const uint64_t kv_width = uint64_t{a.num_kv_heads} * a.head_dim;
  uint64_t n = h * q_width + 2 * h * kv_width + q_width * h;
  if (a.bias) n += q_width + 2 * kv_width + h;
  switch (a.qk_norm) {
    case QkNorm::kNone:
    case QkNorm::kUnweighted:
      break;
    case QkNorm::kPerHead:
      n += 2 * uint64_t{a.head_dim};
      break;
    case QkNorm::kPerProjection:
      n += q_width + kv_width;
      break;
  }
  if (a.sinks) n += heads;
  return n;
}

uint64_t ffn_params(Activation activation, uint64_t h, uint64_t width, bool bias) {
  const bool gated = activation == Activation::kSwiglu;
  const uint64_t matrices = gated ? 3 : 2;
  uint64_t n = matrices * h * width;
  // Biases: the (fused) input projections, then the output projection.
  if (bias) n += (gated ? 2 : 1) * width + h;
  return n;
}

ParameterCounts count_parameters(const ModelCard& c) {
  ParameterCounts counts;
  counts.input_embedding = c.vocab_size * c.hidden_size;
  counts.lm_head = c.tie_word_embeddings ? 0 : c.vocab_size * c.hidden_size;
  if (c.encoder_layers > 0) count_stack(c, c.encoder_layers, false, counts);
  count_stack(c, c.num_layers, c.encoder_layers > 0, counts);
  counts.vision_encoder = c.vision_encoder_params;
  return counts;
}

}  // namespace moesim
