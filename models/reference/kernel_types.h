#pragma once
/// Matrix types shared by the reference kernels of the MoE layer.
///
/// Every kernel works in fp32. Token matrices are row-major [tokens x hidden] so one token's
/// vector is contiguous; weight matrices are row-major too and are multiplied from the right
/// (x W), with W stored [in_features x out_features].

#include <cstdint>

#include <Eigen/Core>

namespace moesim::kernels {

/// Row-major fp32 matrix: token matrices [tokens x hidden] and weights [in x out].
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// fp32 column vector (biases, per-expert score corrections).
using Vector = Eigen::VectorXf;

/// A half-open range [begin, end) of an expert's intermediate dimension: the part a tensor-
/// parallel rank holds. The full expert is {0, expert_ffn_size}.
struct IntermediateSlice {
  uint32_t begin = 0;
  uint32_t end = 0;

  uint32_t size() const { return end - begin; }
  bool operator==(const IntermediateSlice&) const = default;
};

}  // namespace moesim::kernels
