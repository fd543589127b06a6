#pragma once
/// Shared experts and the weighted combine of expert outputs back to each token.

#include <cstdint>
#include <span>
#include <vector>

#include "models/reference/kernel_types.h"
#include "models/reference/router.h"
#include "models/reference/swiglu_expert.h"

namespace moesim::kernels {

/// Always-on experts that every token passes through, added to the routed output.
/// Several shared experts (DeepSeek) are summed; a fused one (Qwen2-MoE) is a single entry.
struct SharedExperts {
  std::vector<SwigluWeights> experts;  ///< each H x F_shared x H; empty = no shared expert
  /// [H] or empty. When set, the summed shared output of token x is scaled by
  /// sigmoid(x . gate), as Qwen2-MoE's shared_expert_gate; when empty, by 1.
  Vector gate;
};

/// Throws std::invalid_argument unless every shared expert and the gate fit hidden size H.
void validate_shared(const SharedExperts& shared, uint32_t hidden_size);

/// Output [T x H] of the shared experts on `x` [T x H]; zeros when there are none.
Matrix shared_experts_forward(const SharedExperts& shared, const Matrix& x);

/// out.row(tokens[i]) += weights[i] * partial.row(i) for i = 0, 1, ... in that order.
/// `partial` is [tokens.size() x H], `out` [T x H]; every token index must be < T.
void accumulate_weighted(Matrix& out, std::span<const uint32_t> tokens,
                         std::span<const float> weights, const Matrix& partial);

/// The combine after the experts: `selection_outputs` row s is the output of the expert chosen
/// by selection s (the order of routed.routing.experts); token t gets the sum over its
/// selections s, in order, of weight_s * row s. Returns [T x H].
Matrix combine_selections(const RoutedTokens& routed, const Matrix& selection_outputs);

}  // namespace moesim::kernels
