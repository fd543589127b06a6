#include "models/operator_costs.h"

namespace moesim {

namespace {
constexpr std::pair<OpKind, std::string_view> kOpNames[] = {{OpKind::kRouter, "router"},
                                                            {OpKind::kExpert, "expert"},
                                                            {OpKind::kCombine, "combine"},
                                                            {OpKind::kOther, "other"}};
}  // namespace

std::string_view to_string(OpKind kind) {
  for (const auto& [k, name] : kOpNames) {
    if (k == kind) return name;
  }
  return "other";
}

std::optional<OpKind> parse_op_kind(std::string_view name) {
  for (const auto& [k, n] : kOpNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

OpCost router_cost(const MoeLayerShape& shape, uint64_t tokens) {
  const double t = static_cast<double>(tokens);
  const double h = shape.hidden_size;
  const double e = shape.num_experts;
  const double b = bytes_per_element(shape.dtype);
  return OpCost{2.0 * t * h * e, h * e * b + t * h * b + t * e * 4.0, OpKind::kRouter};
}

OpCost expert_cost(const MoeLayerShape& shape, uint64_t tokens) {
  const double t = static_cast<double>(tokens);
  const double h = shape.hidden_size;
  const double f = shape.expert_ffn_size;
  return OpCost{6.0 * t * h * f, shape.expert_weight_bytes() + 2.0 * t * shape.token_bytes(),
                OpKind::kExpert};
}

OpCost combine_reduce_cost(const MoeLayerShape& shape, uint64_t tokens, uint64_t selections) {
  const double t = static_cast<double>(tokens);
  const double s = static_cast<double>(selections);
  return OpCost{2.0 * s * shape.hidden_size, (s + t) * shape.token_bytes(), OpKind::kCombine};
}

}  // namespace moesim
