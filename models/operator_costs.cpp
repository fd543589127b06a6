#include "models/operator_costs.h"

namespace moesim {

OpCost router_cost(const MoeLayerShape& shape, uint64_t tokens) {
  const double t = static_cast<double>(tokens);
  const double h = shape.hidden_size;
  const double e = shape.num_experts;
  const double b = bytes_per_element(shape.dtype);
  return OpCost{2.0 * t * h * e, h * e * b + t * h * b + t * e * 4.0};
}

OpCost expert_cost(const MoeLayerShape& shape, uint64_t tokens) {
  const double t = static_cast<double>(tokens);
  const double h = shape.hidden_size;
  const double f = shape.expert_ffn_size;
  return OpCost{6.0 * t * h * f, shape.expert_weight_bytes() + 2.0 * t * shape.token_bytes()};
}

OpCost combine_reduce_cost(const MoeLayerShape& shape, uint64_t tokens, uint64_t selections) {
  const double t = static_cast<double>(tokens);
  const double s = static_cast<double>(selections);
  return OpCost{2.0 * s * shape.hidden_size, (s + t) * shape.token_bytes()};
}

}  // namespace moesim
