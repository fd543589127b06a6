#include "models/layer_operators.h"

#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

double bytes_per_weight(WeightFormat format) {
  switch (format) {
    case WeightFormat::kFp32:
      return 4.0;
    case WeightFormat::kBf16:
      return 2.0;
    case WeightFormat::kFp8Block:
      return 1.0 + 4.0 / (128.0 * 128.0);
    case WeightFormat::kInt4:
      return 0.5 + 2.0 / 128.0;
    case WeightFormat::kMxfp4:
      return 0.5 + 1.0 / 32.0;
  }
  return 2.0;
}

WeightFormat weight_format(const ModelCard& card) {
  switch (card.dtype) {
    case Dtype::kFp8:
      return WeightFormat::kFp8Block;
    case Dtype::kFp32:
      return WeightFormat::kFp32;
    case Dtype::kBf16:
    case Dtype::kFp16:
      return WeightFormat::kBf16;
  }
  return WeightFormat::kBf16;
}

std::vector<uint64_t> balanced_expert_load(const ModelCard& card, uint64_t tokens) {
  std::vector<uint64_t> load(card.num_routed_experts, 0);
  const uint64_t selections = tokens * card.top_k;
  for (uint64_t i = 0; i < selections; ++i) ++load[i % card.num_routed_experts];
  return load;
}

namespace {

/// q/k/v and output projections, attention core and KV cache traffic of one layer.
void attention(const ModelCard& c, const BatchShape& b, double wbytes, double abytes,
               std::vector<LayerOperator>& ops) {
  const AttentionSpec& a = c.attention;
  const double t = static_cast<double>(b.tokens()), h = static_cast<double>(c.hidden_size);
  const double nh = a.num_heads;
  // Keys attended, summed over the batch's tokens.
  const double keys = static_cast<double>(b.prefill_tokens) * b.prefill_context +
                      static_cast<double>(b.decode_tokens) * b.decode_context;
  LayerOperator proj{"attention.qkv"}, core{"attention.core"}, out{"attention.out"};
  if (a.type == AttentionType::kMla) {
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    const double q_params =
        a.q_lora_rank > 0 ? h * a.q_lora_rank + a.q_lora_rank * nh * qk : h * nh * qk;
    const double latent = a.kv_lora_rank + a.qk_rope_head_dim;  // cached elements per token
    const double kv_up = a.kv_lora_rank * nh * (a.qk_nope_head_dim + a.v_head_dim);
    proj.flops =
        2 * t * (q_params + h * latent) + 2 * static_cast<double>(b.prefill_tokens) * kv_up;
    proj.weight_bytes = (q_params + h * latent + kv_up) * wbytes;
    core.flops = 2 * keys * nh * (qk + a.v_head_dim);
    core.kv_read_bytes = static_cast<double>(b.decode_tokens) * b.decode_context * latent * abytes;
    core.kv_write_bytes = t * latent * abytes;
    out.flops = 2 * t * nh * a.v_head_dim * h;
    out.weight_bytes = nh * a.v_head_dim * h * wbytes;
  } else {
    const double d = a.head_dim, nkv = a.num_kv_heads;
    proj.flops = 2 * t * h * (nh + 2 * nkv) * d;
    proj.weight_bytes = h * (nh + 2 * nkv) * d * wbytes;
    core.flops = 4 * keys * nh * d;
    core.kv_read_bytes =
        static_cast<double>(b.decode_tokens) * b.decode_context * 2 * nkv * d * abytes;
    core.kv_write_bytes = t * 2 * nkv * d * abytes;
    out.flops = 2 * t * nh * d * h;
    out.weight_bytes = nh * d * h * wbytes;
  }
  proj.activation_bytes = out.activation_bytes = 2 * t * h * abytes;
  ops.push_back(proj);
  ops.push_back(core);
  ops.push_back(out);
}

/// A gated FFN (3 matrices) or an ungated one (2) of width `f` over `tokens` tokens.
LayerOperator ffn(const std::string& name, const ModelCard& c, double f, double tokens,
                  double copies, double wbytes, double abytes) {
  const double matrices = c.activation == Activation::kSwiglu ? 3.0 : 2.0;
  const double h = static_cast<double>(c.hidden_size);
  LayerOperator op{name};
  op.flops = 2 * matrices * h * f * tokens;
  op.weight_bytes = copies * matrices * h * f * wbytes;
  op.activation_bytes = 2 * tokens * h * abytes;
  return op;
}

}  // namespace

std::vector<LayerOperator> embedding_and_head_operators(const ModelCard& card, uint64_t tokens,
                                                        uint64_t logit_tokens,
                                                        WeightFormat weights) {
  constexpr double abytes = 2.0;  // bf16 activations
  const double h = static_cast<double>(card.hidden_size), v = static_cast<double>(card.vocab_size);
  LayerOperator embedding{"embedding"};
  embedding.weight_bytes = static_cast<double>(tokens) * h * bytes_per_weight(weights);
  embedding.activation_bytes = static_cast<double>(tokens) * h * abytes;
  LayerOperator head{"lm_head"};
  head.flops = 2.0 * static_cast<double>(logit_tokens) * h * v;
  head.weight_bytes = h * v * bytes_per_weight(weights);
  head.activation_bytes =
      static_cast<double>(logit_tokens) * (h * abytes + v * 4.0);  // fp32 logits
  return {embedding, head};
}

std::vector<LayerOperator> decoder_layer_operators(const ModelCard& card, uint32_t layer,
                                                   const BatchShape& batch,
                                                   const std::vector<uint64_t>& tokens_per_expert,
                                                   WeightFormat expert_weights,
                                                   WeightFormat other_weights) {
  if (layer >= card.num_layers) {
    throw std::invalid_argument(
        fmt::format("{}: layer {} of {} layers", card.name, layer, card.num_layers));
  }
  constexpr double abytes = 2.0;  // activations and KV cache in bf16, whatever the weights are
  const double wbytes = bytes_per_weight(other_weights);
  const double t = static_cast<double>(batch.tokens()), h = static_cast<double>(card.hidden_size);
  std::vector<LayerOperator> ops;
  attention(card, batch, wbytes, abytes, ops);
  if (!card.moe_layers.is_moe(layer)) {
    ops.push_back(ffn("dense.ffn", card, static_cast<double>(card.dense_intermediate_size), t, 1,
                      wbytes, abytes));
    return ops;
  }
  if (tokens_per_expert.size() != card.num_routed_experts) {
    throw std::invalid_argument(fmt::format("{}: a load of {} experts for {} routed experts",
                                            card.name, tokens_per_expert.size(),
                                            card.num_routed_experts));
  }
  LayerOperator router{"moe.router"};
  router.flops = 2 * t * h * card.num_routed_experts;
  router.weight_bytes = h * card.num_routed_experts * wbytes;
  router.activation_bytes = t * h * abytes + t * card.num_routed_experts * 4.0;  // fp32 logits
  ops.push_back(router);
  double routed = 0.0, activated = 0.0;
  for (const uint64_t n : tokens_per_expert) {
    routed += static_cast<double>(n);
    activated += n > 0 ? 1.0 : 0.0;
  }
  ops.push_back(ffn("moe.experts", card, static_cast<double>(card.expert_intermediate_size), routed,
                    activated, bytes_per_weight(expert_weights), abytes));
  if (card.num_shared_experts > 0) {
    const double width =
        static_cast<double>(card.shared_expert_intermediate_size) * card.num_shared_experts;
    ops.push_back(ffn("moe.shared", card, width, t, 1, wbytes, abytes));
  }
  return ops;
}

}  // namespace moesim
