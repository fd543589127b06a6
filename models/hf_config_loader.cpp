#include "models/hf_config_loader.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "models/quantization_config.h"
#include "sim/config/yaml_map.h"

namespace moesim {
namespace {

constexpr uint64_t kMaxWidth = uint64_t{1} << 24;
constexpr uint64_t kMaxCount = uint64_t{1} << 20;

/// A field the model type requires; its absence is reported as such (not as a misspelling).
void require(YamlMap& m, const std::string& key) {
  if (!m.has(key) || m.is_null(key)) m.fail_here(fmt::format("missing field '{}'", key));
}

uint32_t field_u32(YamlMap& m, const std::string& key, uint64_t min, uint64_t max) {
  require(m, key);
  return static_cast<uint32_t>(m.get_uint(key, min, max));
}

uint64_t field_width(YamlMap& m, const std::string& key) {
  require(m, key);
  return m.get_uint(key, 1, kMaxWidth);
}

/// A whole number that may be absent or null, then `fallback`.
uint32_t optional_u32(YamlMap& m, const std::string& key, uint32_t fallback, uint64_t max) {
  if (!m.has(key) || m.is_null(key)) return fallback;
  return static_cast<uint32_t>(m.get_uint(key, 0, max));
}

bool optional_bool(YamlMap& m, const std::string& key, bool fallback) {
  if (!m.has(key) || m.is_null(key)) return fallback;
  return m.get_bool(key);
}

/// Fields every model type has.
void read_common(YamlMap& m, ModelCard& c) {
  c.hidden_size = field_width(m, "hidden_size");
  c.num_layers = field_u32(m, "num_hidden_layers", 1, kMaxCount);
  c.vocab_size = field_width(m, "vocab_size");
  c.tie_word_embeddings = optional_bool(m, "tie_word_embeddings", false);
  c.attention.num_heads = field_u32(m, "num_attention_heads", 1, kMaxCount);
  c.attention.num_kv_heads = field_u32(m, "num_key_value_heads", 1, c.attention.num_heads);
  c.attention.bias = optional_bool(m, "attention_bias", false);
  c.attention.type =
      c.attention.num_kv_heads == c.attention.num_heads ? AttentionType::kMha : AttentionType::kGqa;
  c.attention.head_dim = optional_u32(m, "head_dim", 0, kMaxWidth);
  if (c.attention.head_dim == 0) {
    c.attention.head_dim = static_cast<uint32_t>(c.hidden_size / c.attention.num_heads);
  }
  for (const char* key : {"torch_dtype", "dtype"}) {
    if (!m.has(key) || m.is_null(key)) continue;
    const std::string name = m.get_string(key);
    constexpr std::pair<const char*, Dtype> kDtypes[] = {
        {"bfloat16", Dtype::kBf16}, {"float16", Dtype::kFp16}, {"float32", Dtype::kFp32}};
    const auto it = std::find_if(std::begin(kDtypes), std::end(kDtypes),
                                 [&](const auto& d) { return name == d.first; });
    if (it == std::end(kDtypes)) {
      m.fail(key, fmt::format("unknown dtype \"{}\" (known: bfloat16, float16, float32)", name));
    }
    c.dtype = it->second;
  }
  c.weights = {format_of(c.dtype), format_of(c.dtype)};
  if (m.has("quantization_config") && !m.is_null("quantization_config")) {
    YamlMap q = m.get_map("quantization_config");
    c.weights = read_quantization_config(q, format_of(c.dtype));
    // An fp8 release is stored in fp8 whatever torch_dtype says (the unquantised dtype).
    if (is_fp8(c.weights.others)) {
      c.dtype = Dtype::kFp8;
    }
  }
}

/// Routed experts: count, top-k and width under the model type's field names.
void read_experts(YamlMap& m, ModelCard& c, const char* count_key, const char* width_key) {
  c.num_routed_experts = field_u32(m, count_key, 1, kMaxCount);
  c.top_k = field_u32(m, "num_experts_per_tok", 1, c.num_routed_experts);
  c.expert_intermediate_size = field_width(m, width_key);
}

void read_mixtral(YamlMap& m, ModelCard& c) {
  read_experts(m, c, "num_local_experts", "intermediate_size");
  c.router.normalize_topk = true;
  if (m.has("sliding_window") && !m.is_null("sliding_window")) {
    c.attention.window = AttentionWindow{"sliding", field_width(m, "sliding_window"), 0, 0};
  }
}

void read_qwen3_moe(YamlMap& m, ModelCard& c) {
  read_experts(m, c, "num_experts", "moe_intermediate_size");
  c.dense_intermediate_size = field_width(m, "intermediate_size");
  const uint32_t step = optional_u32(m, "decoder_sparse_step", 1, kMaxCount);
  if (step == 0) m.fail("decoder_sparse_step", "must be at least 1");
  c.moe_layers = LayerMap{0, step, step - 1};
  if (m.has("mlp_only_layers") && !m.is_null("mlp_only_layers") &&
      !m.get_string_list("mlp_only_layers").empty()) {
    m.fail("mlp_only_layers", "lists of dense layers are not supported; use a model card");
  }
  if (optional_bool(m, "use_sliding_window", false)) {
    m.fail("use_sliding_window", "sliding windows of qwen3_moe are not supported");
  }
  c.router.normalize_topk = optional_bool(m, "norm_topk_prob", false);
  c.attention.qk_norm = QkNorm::kPerHead;
}

void read_deepseek(YamlMap& m, ModelCard& c) {
  read_experts(m, c, "n_routed_experts", "moe_intermediate_size");
  c.num_shared_experts = field_u32(m, "n_shared_experts", 0, kMaxCount);
  c.shared_expert_intermediate_size = c.num_shared_experts > 0 ? c.expert_intermediate_size : 0;
  c.dense_intermediate_size = field_width(m, "intermediate_size");
  c.moe_layers.first_dense = optional_u32(m, "first_k_dense_replace", 0, c.num_layers);
  c.moe_layers.every = optional_u32(m, "moe_layer_freq", 1, kMaxCount);
  if (c.moe_layers.every == 0) m.fail("moe_layer_freq", "must be at least 1");
  AttentionSpec& a = c.attention;
  a.type = AttentionType::kMla;
  a.num_kv_heads = a.num_heads;
  a.head_dim = 0;
  a.q_lora_rank = optional_u32(m, "q_lora_rank", 0, kMaxWidth);
  a.kv_lora_rank = field_u32(m, "kv_lora_rank", 1, kMaxWidth);
  a.qk_nope_head_dim = field_u32(m, "qk_nope_head_dim", 1, kMaxWidth);
  a.qk_rope_head_dim = field_u32(m, "qk_rope_head_dim", 1, kMaxWidth);
  a.v_head_dim = field_u32(m, "v_head_dim", 1, kMaxWidth);
  if (m.has("scoring_func")) {
    const std::string scoring = m.get_string("scoring_func");
    if (scoring != "softmax" && scoring != "sigmoid") {
      m.fail("scoring_func", fmt::format("expected softmax or sigmoid, got \"{}\"", scoring));
    }
    if (scoring == "sigmoid") c.router.scoring = RouterScoring::kSigmoid;
  }
  c.router.normalize_topk = optional_bool(m, "norm_topk_prob", false);
  if (m.has("routed_scaling_factor")) {
    c.router.routed_scaling_factor = m.get_double("routed_scaling_factor", 1e-6, 1e6);
  }
  c.router.n_group = optional_u32(m, "n_group", 1, c.num_routed_experts);
  c.router.topk_group = optional_u32(m, "topk_group", 1, c.router.n_group);
  if (c.router.n_group == 0 || c.num_routed_experts % c.router.n_group != 0) {
    m.fail("n_group", fmt::format("must divide n_routed_experts ({})", c.num_routed_experts));
  }
  c.router.score_bias = m.has("topk_method") && m.get_string("topk_method") == "noaux_tc";
  c.mtp_layers = optional_u32(m, "num_nextn_predict_layers", 0, kMaxCount);
}

void read_olmoe(YamlMap& m, ModelCard& c) {
  read_experts(m, c, "num_experts", "intermediate_size");
  c.router.normalize_topk = optional_bool(m, "norm_topk_prob", false);
  c.attention.qk_norm = QkNorm::kPerProjection;
}

/// gpt-oss lists each layer's attention; moesim needs "full every N layers from offset J".
AttentionWindow gpt_oss_window(YamlMap& m, uint32_t num_layers) {
  AttentionWindow w{"sliding", field_width(m, "sliding_window"), 0, 0};
  require(m, "layer_types");
  const std::vector<std::string> types = m.get_string_list("layer_types");
  if (types.size() != num_layers) {
    m.fail("layer_types", fmt::format("expected {} entries (num_hidden_layers)", num_layers));
  }
  std::vector<uint32_t> full;
  for (uint32_t i = 0; i < num_layers; ++i) {
    if (types[i] != "full_attention" && types[i] != "sliding_attention") {
      m.fail("layer_types", fmt::format("unknown layer type \"{}\"", types[i]));
    }
    if (types[i] == "full_attention") full.push_back(i);
  }
  if (!full.empty()) {
    w.full_every = full.size() > 1 ? full[1] - full[0] : num_layers;
    w.full_offset = full[0] % w.full_every;
    for (uint32_t i = 0; i < num_layers; ++i) {
      const bool is_full = types[i] == "full_attention";
      if (is_full != (i % w.full_every == w.full_offset)) {
        m.fail("layer_types", "full-attention layers are not evenly spaced");
      }
    }
  }
  return w;
}

void read_gpt_oss(YamlMap& m, ModelCard& c) {
  read_experts(m, c, "num_local_experts", "intermediate_size");
  c.expert_bias = true;
  c.router.router_bias = true;
  c.router.normalize_topk = true;
  c.attention.sinks = true;
  c.attention.window = gpt_oss_window(m, c.num_layers);
}

/// Elements of the Llama 4 vision tower: patch linear, class and position embeddings, two
/// LayerNorms, the encoder layers (attention with biases, GELU MLP with biases, two LayerNorms),
/// the pixel-shuffle MLP and the projector into the text model.
uint64_t llama4_vision_params(YamlMap v, uint64_t text_hidden) {
  const uint64_t h = field_width(v, "hidden_size");
  const uint64_t inter = field_width(v, "intermediate_size");
  const uint64_t layers = field_u32(v, "num_hidden_layers", 1, kMaxCount);
  const uint64_t patch = field_width(v, "patch_size");
  const uint64_t side = field_width(v, "image_size") / patch;
  const uint64_t channels = field_width(v, "num_channels");
  const uint64_t layer = 4 * (h * h + h) + 2 * h * inter + inter + h + 2 * 2 * h;
  return channels * patch * patch * h + h + (side * side + 1) * h + 2 * 2 * h + layers * layer +
         inter * field_width(v, "projector_input_dim") +
         field_width(v, "projector_output_dim") * field_width(v, "projector_output_dim") +
         field_width(v, "vision_output_dim") * text_hidden;
}

void read_llama4(YamlMap& root, ModelCard& c) {
  require(root, "text_config");
  YamlMap m = root.get_map("text_config");
  read_common(m, c);
  read_experts(m, c, "num_local_experts", "intermediate_size");
  c.num_shared_experts = 1;
  c.shared_expert_intermediate_size = c.expert_intermediate_size;
  c.dense_intermediate_size = field_width(m, "intermediate_size_mlp");
  const uint32_t step = optional_u32(m, "interleave_moe_layer_step", 1, kMaxCount);
  if (step == 0) m.fail("interleave_moe_layer_step", "must be at least 1");
  c.moe_layers = LayerMap{0, step, step - 1};
  c.router.scoring = RouterScoring::kSigmoid;
  if (optional_bool(m, "use_qk_norm", false)) c.attention.qk_norm = QkNorm::kUnweighted;
  if (m.has("attention_chunk_size") && !m.is_null("attention_chunk_size")) {
    // RoPE layers attend within chunks; every 4th layer is a global NoPE layer.
    c.attention.window = AttentionWindow{"chunked", field_width(m, "attention_chunk_size"), 4, 3};
  }
  if (root.has("vision_config")) {
    c.vision_encoder_params = llama4_vision_params(root.get_map("vision_config"), c.hidden_size);
  }
}

}  // namespace

ModelCard load_hf_config(const std::filesystem::path& file) {
  YamlMap m(load_yaml_file(file.string()), file.string(), "");
  ModelCard c;
  c.name = file.filename() == "config.json" ? file.parent_path().filename().string()
                                            : file.stem().string();
  require(m, "model_type");
  c.model_type = m.get_string("model_type");
  c.sources.push_back(file.string());
  if (c.model_type == "llama4") {
    read_llama4(m, c);
  } else {
    constexpr const char* kKnown[] = {"mixtral", "qwen3_moe", "deepseek_v2", "deepseek_v3",
                                      "olmoe",   "gpt_oss",   "llama4"};
    if (std::find(std::begin(kKnown), std::end(kKnown), c.model_type) == std::end(kKnown)) {
      m.fail("model_type", fmt::format("unknown model_type \"{}\" (known: {})", c.model_type,
                                       fmt::join(kKnown, ", ")));
    }
    read_common(m, c);
    if (c.model_type == "mixtral") read_mixtral(m, c);
    if (c.model_type == "qwen3_moe") read_qwen3_moe(m, c);
    if (c.model_type == "deepseek_v2" || c.model_type == "deepseek_v3") read_deepseek(m, c);
    if (c.model_type == "olmoe") read_olmoe(m, c);
    if (c.model_type == "gpt_oss") read_gpt_oss(m, c);
  }
  if (c.moe_layers.moe_count(c.num_layers) == 0) m.fail_here("the layer map has no MoE layer");
  return c;
}

}  // namespace moesim
