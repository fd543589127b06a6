#include "models/layer_operators.h"

#include <stdexcept>

#include <fmt/format.h>

#include "models/kv_cache_layout.h"

namespace moesim {

std::vector<uint64_t> balanced_expert_load(const ModelCard& card, uint64_t tokens) {
  std::vector<uint64_t> load(card.num_routed_experts, 0);
  const uint64_t selections = tokens * card.top_k;
  for (uint64_t i = 0; i < selections; ++i) ++load[i % card.num_routed_experts];
  return load;
}

namespace {

/// q/k/v and output projections, attention core and KV cache traffic of layer `layer`;
/// `kvbytes` per cached element.
void attention(const ModelCard& c, uint32_t layer, const BatchShape& b, WeightFormat format,
               double abytes, double kvbytes, std::vector<LayerOperator>& ops) {
  const AttentionSpec& a = c.attention;
  const double t = static_cast<double>(b.tokens()), h = static_cast<double>(c.hidden_size);
  const double nh = a.num_heads, wbytes = bytes_per_weight(format);
  // Keys each token attends to (a window layer's at most its size), summed over the batch.
  const double decode_context = attended_context(c, layer, b.decode_context);
  const double keys =
      static_cast<double>(b.prefill_tokens) * attended_context(c, layer, b.prefill_context) +
      static_cast<double>(b.decode_tokens) * decode_context;
  LayerOperator proj{"attention.qkv"}, core{"attention.core"}, out{"attention.out"};
  proj.compute_dtype = out.compute_dtype = gemm_dtype(format);  // the core stays bf16
  if (a.type == AttentionType::kMla) {
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    const double q_params =
        a.q_lora_rank > 0 ? h * a.q_lora_rank + a.q_lora_rank * nh * qk : h * nh * qk;
    const double latent = kv_elements_per_token(a);  // the cached latent: kv_lora + rope
    const double kv_up = a.kv_lora_rank * nh * (a.qk_nope_head_dim + a.v_head_dim);
    proj.flops =
        2 * t * (q_params + h * latent) + 2 * static_cast<double>(b.prefill_tokens) * kv_up;
    proj.weight_bytes = (q_params + h * latent + kv_up) * wbytes;
    core.flops = 2 * keys * nh * (qk + a.v_head_dim);
    out.flops = 2 * t * nh * a.v_head_dim * h;
    out.weight_bytes = nh * a.v_head_dim * h * wbytes;
  } else {
    const double d = a.head_dim, nkv = a.num_kv_heads;
    proj.flops = 2 * t * h * (nh + 2 * nkv) * d;
    proj.weight_bytes = h * (nh + 2 * nkv) * d * wbytes;
    core.flops = 4 * keys * nh * d;
    out.flops = 2 * t * nh * d * h;
    out.weight_bytes = nh * d * h * wbytes;
  }
  // Every token writes its cache entry; each decode token reads its context's (mla: the latent).
  const double cached = kv_elements_per_token(a) * kvbytes;
  core.kv_read_bytes = static_cast<double>(b.decode_tokens) * decode_context * cached;
  core.kv_write_bytes = t * cached;
  proj.activation_bytes = out.activation_bytes = 2 * t * h * abytes;
  ops.push_back(proj);
  ops.push_back(core);
  ops.push_back(out);
}

/// A gated FFN (3 matrices) or an ungated one (2) of width `f` over `tokens` tokens.
LayerOperator ffn(const std::string& name, const ModelCard& c, double f, double tokens,
                  double copies, WeightFormat format, double abytes) {
  const double matrices = c.activation == Activation::kSwiglu ? 3.0 : 2.0;
  const double h = static_cast<double>(c.hidden_size);
  LayerOperator op{name};
  op.flops = 2 * matrices * h * f * tokens;
  op.weight_bytes = copies * matrices * h * f * bytes_per_weight(format);
  op.compute_dtype = gemm_dtype(format);
  op.activation_bytes = 2 * tokens * h * abytes;
  return op;
}

}  // namespace

std::vector<LayerOperator> embedding_and_head_operators(const ModelCard& card, uint64_t tokens,
                                                        uint64_t logit_tokens,
                                                        WeightFormat weights) {
  constexpr double abytes = kActivationBytesPerElement;
  const double h = static_cast<double>(card.hidden_size), v = static_cast<double>(card.vocab_size);
  LayerOperator embedding{"embedding"};
  embedding.weight_bytes = static_cast<double>(tokens) * h * bytes_per_weight(weights);
  embedding.activation_bytes = static_cast<double>(tokens) * h * abytes;
  LayerOperator head{"lm_head"};
  head.flops = 2.0 * static_cast<double>(logit_tokens) * h * v;
  head.compute_dtype = gemm_dtype(weights);
  head.weight_bytes = h * v * bytes_per_weight(weights);
  head.activation_bytes =
      static_cast<double>(logit_tokens) * (h * abytes + v * 4.0);  // fp32 logits
  return {embedding, head};
}

std::vector<LayerOperator> decoder_layer_operators(const ModelCard& card, uint32_t layer,
                                                   const BatchShape& batch,
                                                   const std::vector<uint64_t>& tokens_per_expert,
                                                   const WeightFormats& weights, Dtype kv_cache) {
  if (layer >= card.num_layers) {
    throw std::invalid_argument(
        fmt::format("{}: layer {} of {} layers", card.name, layer, card.num_layers));
  }
  constexpr double abytes = kActivationBytesPerElement;  // whatever the weights are
  const WeightFormat others = weights.others;
  const double t = static_cast<double>(batch.tokens()), h = static_cast<double>(card.hidden_size);
  std::vector<LayerOperator> ops;
  attention(card, layer, batch, others, abytes, bytes_per_element(kv_cache), ops);
  if (!card.moe_layers.is_moe(layer)) {
    ops.push_back(ffn("dense.ffn", card, static_cast<double>(card.dense_intermediate_size), t, 1,
                      others, abytes));
    return ops;
  }
  if (tokens_per_expert.size() != card.num_routed_experts) {
    throw std::invalid_argument(fmt::format("{}: a load of {} experts for {} routed experts",
                                            card.name, tokens_per_expert.size(),
                                            card.num_routed_experts));
  }
  LayerOperator router{"moe.router"};
  router.flops = 2 * t * h * card.num_routed_experts;
  router.weight_bytes = h * card.num_routed_experts * bytes_per_weight(others);
  router.compute_dtype = gemm_dtype(others);
  router.activation_bytes = t * h * abytes + t * card.num_routed_experts * 4.0;  // fp32 logits
  ops.push_back(router);
  double routed = 0.0, activated = 0.0;
  for (const uint64_t n : tokens_per_expert) {
    routed += static_cast<double>(n);
    activated += n > 0 ? 1.0 : 0.0;
  }
  ops.push_back(ffn("moe.experts", card, static_cast<double>(card.expert_intermediate_size), routed,
                    activated, weights.experts, abytes));
  if (card.num_shared_experts > 0) {
    const double width =
        static_cast<double>(card.shared_expert_intermediate_size) * card.num_shared_experts;
    ops.push_back(ffn("moe.shared", card, width, t, 1, others, abytes));
  }
  return ops;
}

}  // namespace moesim
