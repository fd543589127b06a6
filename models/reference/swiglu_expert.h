#pragma once
/// Reference SwiGLU expert: y = (silu(x W_gate) * (x W_up)) W_down, with silu(z) = z sigmoid(z)
/// and * elementwise. Used for routed and shared experts alike.

#include <cstdint>

#include "models/reference/kernel_types.h"

namespace moesim::kernels {

/// Weights of one SwiGLU FFN with hidden size H and intermediate size F.
struct SwigluWeights {
  Matrix gate;  ///< [H x F]
  Matrix up;    ///< [H x F]
  Matrix down;  ///< [F x H]

  uint32_t hidden_size() const { return static_cast<uint32_t>(gate.rows()); }
  uint32_t ffn_size() const { return static_cast<uint32_t>(gate.cols()); }
  IntermediateSlice full() const { return {0, ffn_size()}; }
};

/// Throws std::invalid_argument unless gate and up are [H x F] and down is [F x H], F, H >= 1.
void validate_swiglu(const SwigluWeights& weights);

/// The expert on `x` [T x H] restricted to the intermediate columns `slice`: [T x H].
///
/// silu and the product are elementwise in the intermediate dimension, so for slices that
/// partition [0, F) the outputs sum to the full expert's output (tensor parallelism: column-
/// parallel gate and up, row-parallel down). Throws std::invalid_argument on a bad slice or
/// a width mismatch. 6 T H |slice| FLOPs in three GEMMs.
Matrix swiglu_forward(const SwigluWeights& weights, const Matrix& x, IntermediateSlice slice);

/// The whole expert on `x` [T x H]: [T x H].
inline Matrix swiglu_forward(const SwigluWeights& weights, const Matrix& x) {
  return swiglu_forward(weights, x, weights.full());
}

}  // namespace moesim::kernels
