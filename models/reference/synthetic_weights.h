#pragma once
/// Seeded synthetic weights and tokens for the reference layer, at any size.
///
/// Values are normal draws from RngStream::normal (hand-written Box-Muller, so equal seeds
/// give equal weights on every standard library, up to libm's last-ulp differences), rounded
/// to fp32. Weight matrices have standard deviation 1/sqrt(fan_in), so with unit-variance
/// tokens every projection has outputs of order 1 and nothing saturates at any size.
///
/// Draw order, which fixes the values: router weight (row-major), router bias, score
/// correction, then each routed expert (gate, up, down, each row-major), then each shared
/// expert likewise, then the shared gate.

#include <cstdint>

#include "models/moe_layer_shape.h"
#include "models/reference/kernel_types.h"
#include "models/reference/moe_layer_reference.h"
#include "models/reference/swiglu_expert.h"
#include "sim/rng.h"

namespace moesim::kernels {

/// What to materialise for a reference layer.
struct ReferenceLayerShape {
  uint32_t hidden_size = 0;       ///< H, >= 1
  uint32_t expert_ffn_size = 0;   ///< F of a routed expert, >= 1
  uint32_t num_experts = 0;       ///< E routed experts, >= 1
  uint32_t shared_experts = 0;    ///< always-on experts
  uint32_t shared_ffn_size = 0;   ///< F of each shared expert (>= 1 when shared_experts > 0)
  bool shared_gate = false;       ///< draw a sigmoid gate for the shared output
  bool router_bias = false;       ///< draw a router logit bias, stddev 0.1
  bool score_correction = false;  ///< draw a selection-only score bias, stddev 0.1

  /// H, F and E of a simulator layer shape; no shared experts and no biases.
  static ReferenceLayerShape of(const MoeLayerShape& shape) {
    return {shape.hidden_size, shape.expert_ffn_size, shape.num_experts};
  }
};

/// [rows x cols] with entries N(0, stddev^2) in row-major draw order.
Matrix make_normal_matrix(uint32_t rows, uint32_t cols, double stddev, RngStream& rng);

/// One SwiGLU expert: gate and up with stddev 1/sqrt(H), down with 1/sqrt(F).
SwigluWeights make_synthetic_expert(uint32_t hidden_size, uint32_t ffn_size, RngStream& rng);

/// All weights of a layer of `shape`. Throws std::invalid_argument on a zero size.
MoeLayerWeights make_synthetic_weights(const ReferenceLayerShape& shape, RngStream& rng);

/// Tokens [tokens x hidden] with N(0, 1) entries.
Matrix make_synthetic_tokens(uint32_t tokens, uint32_t hidden_size, RngStream& rng);

}  // namespace moesim::kernels
