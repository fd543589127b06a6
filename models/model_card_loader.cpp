#include "models/model_card_loader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "models/quantization_config.h"
#include "sim/config/yaml_map.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

constexpr uint64_t kMaxWidth = uint64_t{1} << 24;  // elements: hidden, FFN and vocabulary sizes
constexpr uint64_t kMaxCount = uint64_t{1} << 20;  // layers, experts, heads

uint32_t get_u32(YamlMap& m, const std::string& key, uint64_t min, uint64_t max) {
  return static_cast<uint32_t>(m.get_uint(key, min, max));
}

/// One of `choices` by name; anything else is an error listing them.
template <class E, size_t N>
E get_choice(YamlMap& m, const std::string& key, const std::pair<const char*, E> (&choices)[N]) {
  const std::string s = m.get_string(key);
  std::vector<std::string> names;
  for (const auto& [name, value] : choices) {
    if (s == name) return value;
    names.emplace_back(name);
  }
  m.fail(key, fmt::format("unknown value \"{}\" (known: {})", s, fmt::join(names, ", ")));
}

/// A count in billions written as a plain decimal ("46.7"); the resolution is the unit of its
/// last digit.
PublishedCount get_billions(YamlMap& m, const std::string& key) {
  const std::string s = m.get_string(key);
  PublishedCount out;
  const auto [end, ec] =
      std::from_chars(s.data(), s.data() + s.size(), out.billions, std::chars_format::fixed);
  if (ec != std::errc() || end != s.data() + s.size() || !(out.billions > 0.0)) {
    m.fail(key, fmt::format("expected a positive decimal number of billions, got \"{}\"", s));
  }
  const size_t dot = s.find('.');
  const size_t decimals = dot == std::string::npos ? 0 : s.size() - dot - 1;
  out.resolution = std::pow(10.0, -static_cast<double>(decimals));
  return out;
}

LayerMap read_layer_map(YamlMap m, uint32_t num_layers) {
  LayerMap map;
  map.first_dense = get_u32(m, "first_dense", 0, num_layers);
  map.every = get_u32(m, "every", 1, kMaxCount);
  map.offset = get_u32(m, "offset", 0, map.every - 1);
  m.finish();
  if (map.moe_count(num_layers) == 0) m.fail_here("no layer is MoE under this map");
  return map;
}

AttentionWindow read_window(YamlMap m) {
  AttentionWindow w;
  w.kind = m.get_string("kind");
  if (w.kind != "sliding" && w.kind != "chunked") {
    m.fail("kind", fmt::format("unknown value \"{}\" (known: sliding, chunked)", w.kind));
  }
  w.size = m.get_uint("size", 1, kMaxWidth);
  w.full_every = get_u32(m, "full_every", 0, kMaxCount);
  w.full_offset = get_u32(m, "full_offset", 0, w.full_every == 0 ? 0 : w.full_every - 1);
  m.finish();
  return w;
}

AttentionSpec read_attention(YamlMap m) {
  static constexpr std::pair<const char*, AttentionType> kTypes[] = {
      {"mha", AttentionType::kMha}, {"gqa", AttentionType::kGqa}, {"mla", AttentionType::kMla}};
  static constexpr std::pair<const char*, QkNorm> kNorms[] = {
      {"none", QkNorm::kNone},
      {"per_head", QkNorm::kPerHead},
      {"per_projection", QkNorm::kPerProjection},
      {"unweighted", QkNorm::kUnweighted}};
  AttentionSpec a;
  a.type = get_choice(m, "type", kTypes);
  a.num_heads = get_u32(m, "num_heads", 1, kMaxCount);
  a.num_kv_heads = get_u32(m, "num_kv_heads", 1, a.num_heads);
  if (a.type == AttentionType::kGqa && a.num_heads % a.num_kv_heads != 0) {
    m.fail("num_kv_heads", fmt::format("must divide num_heads ({})", a.num_heads));
  }
  if (a.type != AttentionType::kGqa && a.num_kv_heads != a.num_heads) {
    m.fail("num_kv_heads", fmt::format("must equal num_heads ({}) for mha and mla", a.num_heads));
  }
  if (a.type == AttentionType::kMla) {
    a.q_lora_rank = get_u32(m, "q_lora_rank", 0, kMaxWidth);
    a.kv_lora_rank = get_u32(m, "kv_lora_rank", 1, kMaxWidth);
    a.qk_nope_head_dim = get_u32(m, "qk_nope_head_dim", 1, kMaxWidth);
    a.qk_rope_head_dim = get_u32(m, "qk_rope_head_dim", 1, kMaxWidth);
    a.v_head_dim = get_u32(m, "v_head_dim", 1, kMaxWidth);
  } else {
    a.head_dim = get_u32(m, "head_dim", 1, kMaxWidth);
  }
  a.bias = m.get_bool("bias");
  a.qk_norm = get_choice(m, "qk_norm", kNorms);
  if (m.has("sinks")) a.sinks = m.get_bool("sinks");
  if (m.has("relative_position_buckets")) {
    a.relative_position_buckets = get_u32(m, "relative_position_buckets", 1, kMaxCount);
  }
  if (m.has("window")) a.window = read_window(m.get_map("window"));
  m.finish();
  return a;
}

RouterSpec read_router(YamlMap m, uint32_t num_experts, uint32_t top_k) {
  static constexpr std::pair<const char*, RouterScoring> kScorings[] = {
      {"softmax", RouterScoring::kSoftmax}, {"sigmoid", RouterScoring::kSigmoid}};
  RouterSpec r;
  r.scoring = get_choice(m, "scoring", kScorings);
  r.normalize_topk = m.get_bool("normalize_topk");
  r.routed_scaling_factor = m.get_double("routed_scaling_factor", 1e-6, 1e6);
  r.n_group = get_u32(m, "n_group", 1, num_experts);
  if (num_experts % r.n_group != 0) {
    m.fail("n_group", fmt::format("must divide num_routed_experts ({})", num_experts));
  }
  r.topk_group = get_u32(m, "topk_group", 1, r.n_group);
  if (uint64_t{r.topk_group} * (num_experts / r.n_group) < top_k) {
    m.fail("topk_group", fmt::format("{} groups of {} experts cannot supply top_k = {}",
                                     r.topk_group, num_experts / r.n_group, top_k));
  }
  r.score_bias = m.get_bool("score_bias");
  r.router_bias = m.get_bool("router_bias");
  if (m.has("expert_capacity")) r.expert_capacity = get_u32(m, "expert_capacity", 1, kMaxWidth);
  m.finish();
  return r;
}

OfficialParams read_official(YamlMap m) {
  OfficialParams o;
  o.total = get_billions(m, "total_b");
  if (m.has("active_b")) {
    o.active = get_billions(m, "active_b");
    if (o.active->billions > o.total.billions) m.fail("active_b", "exceeds total_b");
    o.active_counts_input_embedding = m.get_bool("active_counts_input_embedding");
  }
  o.source = m.get_string("source");
  m.finish();
  return o;
}

void read_experts(YamlMap& m, ModelCard& c) {
  static constexpr std::pair<const char*, Activation> kActivations[] = {
      {"swiglu", Activation::kSwiglu}, {"relu", Activation::kRelu}, {"gelu", Activation::kGelu}};
  c.dense_intermediate_size = m.get_uint("dense_intermediate_size", 0, kMaxWidth);
  const bool has_dense = c.moe_layers.moe_count(c.num_layers) < c.num_layers ||
                         c.moe_layers.moe_count(c.encoder_layers) < c.encoder_layers;
  if (has_dense && c.dense_intermediate_size == 0) {
    m.fail("dense_intermediate_size", "must be positive: moe_layers leaves dense layers");
  }
  c.num_routed_experts = get_u32(m, "num_routed_experts", 1, kMaxCount);
  c.top_k = get_u32(m, "top_k", 1, c.num_routed_experts);
  c.expert_intermediate_size = m.get_uint("expert_intermediate_size", 1, kMaxWidth);
  c.num_shared_experts = get_u32(m, "num_shared_experts", 0, kMaxCount);
  c.shared_expert_intermediate_size =
      m.get_uint("shared_expert_intermediate_size", c.num_shared_experts > 0 ? 1 : 0,
                 c.num_shared_experts > 0 ? kMaxWidth : 0);
  c.activation = get_choice(m, "activation", kActivations);
  if (m.has("expert_bias")) c.expert_bias = m.get_bool("expert_bias");
}

}  // namespace

std::filesystem::path default_model_catalogue_dir() {
  if (const char* dir = std::getenv("MOESIM_MODELS"); dir != nullptr && *dir != '\0') return dir;
  return MOESIM_MODELS_DIR;
}

ModelCard load_model_card(const std::filesystem::path& file) {
  static constexpr std::pair<const char*, NormType> kNorms[] = {
      {"rmsnorm", NormType::kRmsNorm}, {"layernorm", NormType::kLayerNorm}};
  YamlMap m(load_yaml_file(file.string()), file.string(), "");
  ModelCard c;
  c.name = file.stem().string();
  c.hf_id = m.get_string("hf_id");
  c.model_type = m.get_string("model_type");
  c.hidden_size = m.get_uint("hidden_size", 1, kMaxWidth);
  c.num_layers = get_u32(m, "num_layers", 1, kMaxCount);
  if (m.has("encoder_layers")) c.encoder_layers = get_u32(m, "encoder_layers", 1, kMaxCount);
  c.moe_layers = read_layer_map(m.get_map("moe_layers"), c.num_layers);
  read_experts(m, c);
  c.attention = read_attention(m.get_map("attention"));
  c.norm = get_choice(m, "norm", kNorms);
  c.vocab_size = m.get_uint("vocab_size", 1, kMaxWidth);
  c.tie_word_embeddings = m.get_bool("tie_word_embeddings");
  c.router = read_router(m.get_map("router"), c.num_routed_experts, c.top_k);
  const std::string dtype = m.get_string("dtype");
  const auto parsed = parse_dtype(dtype);
  if (!parsed) m.fail("dtype", fmt::format("expected bf16, fp16, fp32 or fp8, got \"{}\"", dtype));
  c.dtype = *parsed;
  c.weights = {format_of(c.dtype), format_of(c.dtype)};
  if (m.has("quantization_config")) {
    YamlMap q = m.get_map("quantization_config");
    c.weights = read_quantization_config(q, format_of(c.dtype));
    q.finish();
    const bool fp8 = is_fp8(c.weights.others);
    // dtype names the release's storage (it sets the scenario's default peak): fp8 exactly
    // when the method stores every weight in fp8.
    if (fp8 != (c.dtype == Dtype::kFp8)) {
      m.fail("dtype", fmt::format("{} with this quantization_config",
                                  fp8 ? "must be fp8" : "must not be fp8"));
    }
  }
  if (m.has("mtp_layers")) c.mtp_layers = get_u32(m, "mtp_layers", 0, kMaxCount);
  if (m.has("vision_encoder_params")) {
    c.vision_encoder_params = m.get_uint("vision_encoder_params", 0, uint64_t{1} << 40);
  }
  c.official = read_official(m.get_map("official_params"));
  c.sources = m.get_string_list("sources");
  if (c.sources.empty()) m.fail("sources", "expected at least one source");
  m.finish();
  return c;
}

std::map<std::string, ModelCard> load_model_catalogue(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec)
    throw ConfigError(
        fmt::format("{}: cannot read the model catalogue: {}", dir.string(), ec.message()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : it) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, ModelCard> cards;
  for (const auto& file : files) {
    ModelCard card = load_model_card(file);
    std::string name = card.name;
    cards.emplace(std::move(name), std::move(card));
  }
  return cards;
}

}  // namespace moesim
