#include "models/reference/synthetic_weights.h"

#include <cmath>
#include <stdexcept>

namespace moesim::kernels {

namespace {

/// Standard deviation of the router and score biases: enough to change some choices.
constexpr double kBiasStddev = 0.1;

Vector make_normal_vector(uint32_t size, double stddev, RngStream& rng) {
  Vector v(size);
  for (uint32_t i = 0; i < size; ++i) v[i] = static_cast<float>(rng.normal(0.0, stddev));
  return v;
}

}  // namespace

Matrix make_normal_matrix(uint32_t rows, uint32_t cols, double stddev, RngStream& rng) {
  Matrix m(rows, cols);
  float* data = m.data();  // row-major, so this is the draw order
  const size_t count = static_cast<size_t>(rows) * cols;
  for (size_t i = 0; i < count; ++i) data[i] = static_cast<float>(rng.normal(0.0, stddev));
  return m;
}

SwigluWeights make_synthetic_expert(uint32_t hidden_size, uint32_t ffn_size, RngStream& rng) {
  if (hidden_size == 0 || ffn_size == 0) {
    throw std::invalid_argument("synthetic expert: hidden and ffn sizes must be >= 1");
  }
  const double in_scale = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  const double down_scale = 1.0 / std::sqrt(static_cast<double>(ffn_size));
  SwigluWeights w;
  w.gate = make_normal_matrix(hidden_size, ffn_size, in_scale, rng);
  w.up = make_normal_matrix(hidden_size, ffn_size, in_scale, rng);
  w.down = make_normal_matrix(ffn_size, hidden_size, down_scale, rng);
  return w;
}

MoeLayerWeights make_synthetic_weights(const ReferenceLayerShape& shape, RngStream& rng) {
  if (shape.hidden_size == 0 || shape.expert_ffn_size == 0 || shape.num_experts == 0 ||
      (shape.shared_experts > 0 && shape.shared_ffn_size == 0)) {
    throw std::invalid_argument(
        "synthetic weights: hidden_size, expert_ffn_size, num_experts (and shared_ffn_size "
        "with shared experts) must be >= 1");
  }
  const double in_scale = 1.0 / std::sqrt(static_cast<double>(shape.hidden_size));
  MoeLayerWeights w;
  w.router.weight = make_normal_matrix(shape.hidden_size, shape.num_experts, in_scale, rng);
  if (shape.router_bias) w.router.bias = make_normal_vector(shape.num_experts, kBiasStddev, rng);
  if (shape.score_correction) {
    w.router.score_correction = make_normal_vector(shape.num_experts, kBiasStddev, rng);
  }
  for (uint32_t e = 0; e < shape.num_experts; ++e) {
    w.experts.push_back(make_synthetic_expert(shape.hidden_size, shape.expert_ffn_size, rng));
  }
  for (uint32_t e = 0; e < shape.shared_experts; ++e) {
    w.shared.experts.push_back(
        make_synthetic_expert(shape.hidden_size, shape.shared_ffn_size, rng));
  }
  if (shape.shared_gate) w.shared.gate = make_normal_vector(shape.hidden_size, in_scale, rng);
  return w;
}

Matrix make_synthetic_tokens(uint32_t tokens, uint32_t hidden_size, RngStream& rng) {
  return make_normal_matrix(tokens, hidden_size, 1.0, rng);
}

}  // namespace moesim::kernels
