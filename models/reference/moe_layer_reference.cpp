#include "models/reference/moe_layer_reference.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace moesim::kernels {

MoeLayerReference::MoeLayerReference(RouterConfig router, MoeLayerWeights weights)
    : router_(router), weights_(std::move(weights)) {
  const RouterWeights& r = weights_.router;
  const auto experts = static_cast<uint32_t>(weights_.experts.size());
  if (r.num_experts() != experts) {
    throw std::invalid_argument("moe layer: router scores " + std::to_string(r.num_experts()) +
                                " experts, the layer has " + std::to_string(experts));
  }
  if ((r.bias.size() != 0 && r.bias.size() != experts) ||
      (r.score_correction.size() != 0 && r.score_correction.size() != experts)) {
    throw std::invalid_argument(
        "moe layer: router bias and score correction need one entry "
        "per expert (" +
        std::to_string(experts) + ")");
  }
  validate_router(router_, experts);
  for (const SwigluWeights& e : weights_.experts) {
    validate_swiglu(e);
    if (e.hidden_size() != hidden_size()) {
      throw std::invalid_argument("moe layer: an expert has hidden size " +
                                  std::to_string(e.hidden_size()) + ", the router " +
                                  std::to_string(hidden_size()));
    }
  }
  validate_shared(weights_.shared, hidden_size());
}

std::vector<const SwigluWeights*> MoeLayerReference::expert_table() const {
  std::vector<const SwigluWeights*> table;
  for (const SwigluWeights& e : weights_.experts) table.push_back(&e);
  return table;
}

RoutedTokens MoeLayerReference::route(const Matrix& x) const {
  return kernels::route(router_, weights_.router, x);
}

Matrix MoeLayerReference::forward(const Matrix& x) const {
  const std::vector<ExpertWork> work = work_by_expert(route(x));
  Matrix out = routed_output(x, work);
  if (!weights_.shared.experts.empty()) out += shared_output(x);
  return out;
}

Matrix MoeLayerReference::routed_output(const Matrix& x, std::span<const ExpertWork> work) const {
  return kernels::routed_output(expert_table(), x, work);
}

Matrix MoeLayerReference::shared_output(const Matrix& x) const {
  return shared_experts_forward(weights_.shared, x);
}

}  // namespace moesim::kernels
