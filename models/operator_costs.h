#pragma once
/// Work of the MoE layer's operators in FLOPs and bytes of memory traffic, which cost models
/// turn into time. A multiply-add counts as two FLOPs.

#include <cstdint>
#include <optional>
#include <string_view>

#include "models/moe_layer_shape.h"

namespace moesim {

/// Which operator the work belongs to, so that a cost model can treat operators differently
/// (per-operator efficiencies of the roofline).
enum class OpKind : uint8_t { kRouter, kExpert, kCombine, kOther };

/// "router", "expert", "combine" or "other".
std::string_view to_string(OpKind kind);
/// The kind named by `name`, or nullopt.
std::optional<OpKind> parse_op_kind(std::string_view name);

struct OpCost {
  double flops = 0.0;
  double bytes = 0.0;  ///< bytes read from and written to device memory
  OpKind kind = OpKind::kOther;
};

/// Router: logits = x W_r for `tokens` tokens; W_r is hidden x experts.
/// FLOPs 2 T H E; bytes: W_r, the token vectors, and fp32 logits written.
OpCost router_cost(const MoeLayerShape& shape, uint64_t tokens);

/// One SwiGLU expert over `tokens` tokens: three GEMMs (gate, up: H -> F; down: F -> H).
/// FLOPs 6 T H F; bytes: the expert's weights plus token vectors in and out.
OpCost expert_cost(const MoeLayerShape& shape, uint64_t tokens);

/// Weighted sum of the expert outputs returned for `tokens` tokens, `selections` outputs in
/// all (tokens x k for fixed top-k). FLOPs 2 per element per output; bytes: the outputs read
/// and one result per token written.
OpCost combine_reduce_cost(const MoeLayerShape& shape, uint64_t tokens, uint64_t selections);

}  // namespace moesim
