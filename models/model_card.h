#pragma once
/// The architecture of one MoE model as plain values: sizes, layer map, attention, router and
/// the published parameter counts. Read from models/catalogue/<name>.yaml (model_card_loader.h)
/// or a Hugging Face config.json (hf_config_loader.h); docs/models.md describes every field.
/// Sizes are element counts, not bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/dtype.h"
#include "models/weight_format.h"

namespace moesim {

/// Which decoder layers hold an MoE block instead of a dense FFN. Layer i (0-based) is MoE when
/// i >= first_dense and i % every == offset. This one form covers DeepSeek (first_k_dense_replace,
/// moe_layer_freq), Qwen (decoder_sparse_step s: every s, offset s-1), Llama 4
/// (interleave_moe_layer_step s: every s, offset s-1) and Switch (sparse step s: every s,
/// offset 1 % s).
struct LayerMap {
  uint32_t first_dense = 0;  ///< leading layers that are always dense
  uint32_t every = 1;        ///< period of the MoE pattern, >= 1
  uint32_t offset = 0;       ///< position of the MoE layer within each period, < every

  bool is_moe(uint32_t layer) const { return layer >= first_dense && layer % every == offset; }
  /// MoE layers among layers [0, num_layers).
  uint32_t moe_count(uint32_t num_layers) const {
    uint32_t n = 0;
    for (uint32_t i = 0; i < num_layers; ++i) n += is_moe(i) ? 1 : 0;
    return n;
  }
};

enum class AttentionType { kMha, kGqa, kMla };
/// Normalisation of queries and keys inside attention, by the weights it carries.
enum class QkNorm {
  kNone,
  kPerHead,        ///< one RMSNorm of head_dim weights each for q and k, shared by heads (Qwen3)
  kPerProjection,  ///< RMSNorm over the whole q and k projections (OLMoE)
  kUnweighted,     ///< an L2 norm without weights (Llama 4)
};
enum class Activation {
  kSwiglu,  ///< silu-gated: gate, up and down matrices
  kRelu,    ///< not gated: in and out matrices
  kGelu,    ///< not gated: in and out matrices
};
enum class NormType { kRmsNorm, kLayerNorm };
enum class RouterScoring { kSoftmax, kSigmoid };

/// Attention layers that see only a local window of keys; the others see the whole context.
struct AttentionWindow {
  std::string kind;   ///< "sliding" (last `size` tokens) or "chunked" (blocks of `size`)
  uint64_t size = 0;  ///< tokens
  /// Layer i has full attention when i % full_every == full_offset; 0: no layer has.
  uint32_t full_every = 1;
  uint32_t full_offset = 0;  ///< < full_every, or 0

  bool is_full(uint32_t layer) const {
    return full_every != 0 && layer % full_every == full_offset;
  }
};

struct AttentionSpec {
  AttentionType type = AttentionType::kGqa;
  uint32_t num_heads = 0;     ///< query heads
  uint32_t num_kv_heads = 0;  ///< key/value heads (= num_heads for mha and mla)
  uint32_t head_dim = 0;      ///< elements per head (mha, gqa)
  // Multi-head latent attention (mla) only.
  uint32_t q_lora_rank = 0;       ///< query compression rank; 0: queries are not compressed
  uint32_t kv_lora_rank = 0;      ///< compressed key/value latent, elements per token
  uint32_t qk_nope_head_dim = 0;  ///< per-head query/key part without rotary embedding
  uint32_t qk_rope_head_dim = 0;  ///< per-head rotary part, shared by the heads for keys
  uint32_t v_head_dim = 0;        ///< per-head value elements
  bool bias = false;              ///< q, k, v and output projections carry biases
  QkNorm qk_norm = QkNorm::kNone;
  bool sinks = false;  ///< one learned sink logit per head (gpt-oss)
  /// T5 relative position buckets: buckets x heads weights in the first self-attention layer
  /// of each stack; 0 when positions are rotary.
  uint32_t relative_position_buckets = 0;
  std::optional<AttentionWindow> window;  ///< absent: every layer attends to the full context
};

struct RouterSpec {
  RouterScoring scoring = RouterScoring::kSoftmax;
  bool normalize_topk = false;         ///< the top_k weights are divided by their sum
  double routed_scaling_factor = 1.0;  ///< multiplies the routed experts' weights
  uint32_t n_group = 1;                ///< expert groups for group-limited selection (1: no groups)
  uint32_t topk_group = 1;             ///< groups a token may pick experts from
  bool score_bias = false;   ///< a per-expert bias added to scores for selection only (DeepSeek-V3)
  bool router_bias = false;  ///< the router's linear layer has a bias
  uint32_t expert_capacity = 0;  ///< tokens per expert before overflow tokens drop; 0: no limit
};

/// A published parameter figure in billions, with the unit of its last digit (0.1 for "46.7").
struct PublishedCount {
  double billions = 0.0;
  double resolution = 1.0;  ///< billions
};

/// The model's parameter counts as its authors published them.
struct OfficialParams {
  PublishedCount total;
  std::optional<PublishedCount> active;  ///< absent when never published
  /// Whether the published active count includes the input embedding (the LM head always is).
  bool active_counts_input_embedding = true;
  std::string source;
};

struct ModelCard {
  std::string name;                       ///< catalogue key (file stem)
  std::string hf_id;                      ///< Hugging Face repository, "" when unknown
  std::string model_type;                 ///< HF model_type, e.g. "deepseek_v3"
  uint64_t hidden_size = 0;               ///< elements per token vector (d_model)
  uint32_t num_layers = 0;                ///< decoder layers; MTP layers are not counted here
  uint32_t encoder_layers = 0;            ///< encoder layers of an encoder-decoder model, else 0
  LayerMap moe_layers;                    ///< applies to the decoder and to the encoder
  uint64_t dense_intermediate_size = 0;   ///< FFN width of dense layers; 0 when there are none
  uint32_t num_routed_experts = 0;        ///< per MoE layer
  uint32_t top_k = 0;                     ///< routed experts per token
  uint64_t expert_intermediate_size = 0;  ///< FFN width of one routed expert
  uint32_t num_shared_experts = 0;        ///< experts every token passes through
  uint64_t shared_expert_intermediate_size = 0;  ///< FFN width of one shared expert
  Activation activation = Activation::kSwiglu;
  bool expert_bias = false;  ///< expert matrices carry biases (gpt-oss)
  AttentionSpec attention;
  NormType norm = NormType::kRmsNorm;  ///< weights only (hidden_size elements), no bias
  uint64_t vocab_size = 0;
  bool tie_word_embeddings = false;  ///< the LM head reuses the input embedding
  RouterSpec router;
  Dtype dtype = Dtype::kBf16;  ///< of the released weights (fp8 for an fp8 release)
  /// Storage of the routed experts and of the other weights: the card's quantization_config
  /// (models/quantization_config.h), else format_of(dtype) for both.
  WeightFormats weights;
  uint32_t mtp_layers = 0;  ///< multi-token-prediction layers, excluded from the counts
  /// Elements of a vision encoder and its projector: in the total, never active for text.
  uint64_t vision_encoder_params = 0;
  std::optional<OfficialParams> official;  ///< catalogue cards always have it
  std::vector<std::string> sources;        ///< where the architecture figures come from

  /// Decoder MoE layers plus, for encoder-decoder models, encoder MoE layers.
  uint32_t moe_layer_count() const {
    return moe_layers.moe_count(num_layers) + moe_layers.moe_count(encoder_layers);
  }
};

}  // namespace moesim
