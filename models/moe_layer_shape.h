#pragma once
/// The shape of one MoE layer: what each token's hidden vector and each expert look like.

#include <cstdint>
#include <string>

#include "models/dtype.h"

namespace moesim {

struct MoeLayerShape {
  std::string name;
  uint32_t hidden_size = 0;      ///< elements per token vector (d_model)
  uint32_t expert_ffn_size = 0;  ///< intermediate size of one routed expert
  uint32_t num_experts = 0;      ///< routed experts in the layer
  uint32_t top_k = 0;            ///< experts chosen per token
  Dtype dtype = Dtype::kBf16;    ///< weights and activations

  /// Bytes of one token's hidden vector.
  double token_bytes() const { return hidden_size * bytes_per_element(dtype); }
  /// Bytes of one expert's weights: gate, up and down projections of a SwiGLU FFN.
  double expert_weight_bytes() const {
    return 3.0 * hidden_size * static_cast<double>(expert_ffn_size) * bytes_per_element(dtype);
  }
};

}  // namespace moesim
