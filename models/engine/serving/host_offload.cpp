#include "models/engine/serving/host_offload.h"

#include <vector>

#include "models/layer_operators.h"

namespace moesim {

double layer_weight_bytes(const ModelCard& card, uint32_t layer) {
  // One token on every expert: each operator reads its whole weights once.
  const std::vector<uint64_t> every_expert(card.num_routed_experts, 1);
  BatchShape one;
  one.decode_tokens = 1;
  double bytes = 0;
  for (const LayerOperator& op :
       decoder_layer_operators(card, layer, one, every_expert, card.weights, Dtype::kBf16)) {
    bytes += op.weight_bytes;
  }
  return bytes;
}

double resident_head_bytes(const ModelCard& card) {
  const double matrix = static_cast<double>(card.vocab_size) *
                        static_cast<double>(card.hidden_size) *
                        bytes_per_weight(card.weights.others);
  return card.tie_word_embeddings ? matrix : 2 * matrix;
}

}  // namespace moesim
