#include "models/reference/combine.h"

#include <stdexcept>
#include <string>

namespace moesim::kernels {

void validate_shared(const SharedExperts& shared, uint32_t hidden_size) {
  for (const SwigluWeights& e : shared.experts) {
    validate_swiglu(e);
    if (e.hidden_size() != hidden_size) {
      throw std::invalid_argument("shared expert: hidden size " + std::to_string(e.hidden_size()) +
                                  ", layer has " + std::to_string(hidden_size));
    }
  }
  if (shared.gate.size() != 0 && shared.gate.size() != hidden_size) {
    throw std::invalid_argument("shared expert gate: " + std::to_string(shared.gate.size()) +
                                " entries, layer hidden size " + std::to_string(hidden_size));
  }
}

Matrix shared_experts_forward(const SharedExperts& shared, const Matrix& x) {
  Matrix out = Matrix::Zero(x.rows(), x.cols());
  for (const SwigluWeights& e : shared.experts) out += swiglu_forward(e, x);
  if (shared.gate.size() != 0 && !shared.experts.empty()) {
    const Vector gate_logits = x * shared.gate;  // [T]
    const Vector scale = (1.0f + (-gate_logits.array()).exp()).inverse().matrix();
    out.array().colwise() *= scale.array();
  }
  return out;
}

void accumulate_weighted(Matrix& out, std::span<const uint32_t> tokens,
                         std::span<const float> weights, const Matrix& partial) {
  if (tokens.size() != weights.size() ||
      static_cast<Eigen::Index>(tokens.size()) != partial.rows() || partial.cols() != out.cols()) {
    throw std::invalid_argument(
        "accumulate_weighted: " + std::to_string(tokens.size()) + " tokens, " +
        std::to_string(weights.size()) + " weights, partial " + std::to_string(partial.rows()) +
        "x" + std::to_string(partial.cols()) + ", output width " + std::to_string(out.cols()));
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (static_cast<Eigen::Index>(tokens[i]) >= out.rows()) {
      throw std::out_of_range("accumulate_weighted: token " + std::to_string(tokens[i]) + " of " +
                              std::to_string(out.rows()));
    }
    out.row(tokens[i]) += weights[i] * partial.row(static_cast<Eigen::Index>(i));
  }
}

Matrix combine_selections(const RoutedTokens& routed, const Matrix& selection_outputs) {
  const auto selections = static_cast<Eigen::Index>(routed.routing.experts.size());
  if (selection_outputs.rows() != selections) {
    throw std::invalid_argument("combine_selections: " + std::to_string(selection_outputs.rows()) +
                                " outputs for " + std::to_string(selections) + " selections");
  }
  const auto tokens = routed.routing.tokens();
  Matrix out = Matrix::Zero(static_cast<Eigen::Index>(tokens), selection_outputs.cols());
  for (size_t t = 0; t < tokens; ++t) {
    for (uint32_t s = routed.routing.offsets[t]; s < routed.routing.offsets[t + 1]; ++s) {
      out.row(static_cast<Eigen::Index>(t)) += routed.weights[s] * selection_outputs.row(s);
    }
  }
  return out;
}

}  // namespace moesim::kernels
