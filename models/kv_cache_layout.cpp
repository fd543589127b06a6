#include "models/kv_cache_layout.h"

#include <algorithm>

namespace moesim {

double kv_elements_per_token(const AttentionSpec& a) {
  if (a.type == AttentionType::kMla) return double(a.kv_lora_rank) + a.qk_rope_head_dim;
  return 2.0 * a.num_kv_heads * a.head_dim;
}

double kv_share_per_gpu(const AttentionSpec& a, uint32_t tp) {
  if (a.type == AttentionType::kMla || a.num_kv_heads == 0) return 1.0;
  const uint32_t per_gpu = (a.num_kv_heads + tp - 1) / tp;
  return double(per_gpu) / a.num_kv_heads;
}

bool is_window_layer(const ModelCard& card, uint32_t layer) {
  return card.attention.window && !card.attention.window->is_full(layer);
}

double attended_context(const ModelCard& card, uint32_t layer, double context) {
  if (!is_window_layer(card, layer)) return context;
  return std::min(context, double(card.attention.window->size));
}

}  // namespace moesim
