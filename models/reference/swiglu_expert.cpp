#include "models/reference/swiglu_expert.h"

#include <stdexcept>
#include <string>

namespace moesim::kernels {

void validate_swiglu(const SwigluWeights& w) {
  const Eigen::Index h = w.gate.rows();
  const Eigen::Index f = w.gate.cols();
  if (h == 0 || f == 0 || w.up.rows() != h || w.up.cols() != f || w.down.rows() != f ||
      w.down.cols() != h) {
    throw std::invalid_argument(
        "swiglu: gate " + std::to_string(h) + "x" + std::to_string(f) + ", up " +
        std::to_string(w.up.rows()) + "x" + std::to_string(w.up.cols()) + ", down " +
        std::to_string(w.down.rows()) + "x" + std::to_string(w.down.cols()) +
        " do not form an H x F, H x F, F x H expert");
  }
}

Matrix swiglu_forward(const SwigluWeights& weights, const Matrix& x, IntermediateSlice slice) {
  if (x.cols() != weights.gate.rows()) {
    throw std::invalid_argument("swiglu: tokens have " + std::to_string(x.cols()) +
                                " features, the expert expects " +
                                std::to_string(weights.gate.rows()));
  }
  if (slice.begin >= slice.end || slice.end > weights.ffn_size()) {
    throw std::invalid_argument("swiglu: intermediate slice [" + std::to_string(slice.begin) +
                                ", " + std::to_string(slice.end) + ") is empty or outside [0, " +
                                std::to_string(weights.ffn_size()) + ")");
  }
  const Eigen::Index begin = slice.begin;
  const Eigen::Index width = slice.size();
  Matrix gated = x * weights.gate.middleCols(begin, width);  // [T x |slice|]
  const Matrix up = x * weights.up.middleCols(begin, width);
  // silu(g) * u = g * u / (1 + exp(-g)), in place over the gate projection.
  gated.array() = gated.array() * up.array() / (1.0f + (-gated.array()).exp());
  return gated * weights.down.middleRows(begin, width);
}

}  // namespace moesim::kernels
