#include "models/reference/payload_rounding.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace moesim::kernels {
namespace {

constexpr float kE4m3Max = 448.0f;
constexpr int kE4m3MinExponent = -6;  // smallest normal 2^-6; subnormal steps 2^-9
constexpr int kE4m3MantissaBits = 3;
constexpr int kFp8BlockElements = 128;

}  // namespace

float round_bf16(float v) {
  if (std::isnan(v)) return v;
  uint32_t u = std::bit_cast<uint32_t>(v);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return std::bit_cast<float>(u & 0xFFFF0000u);
}

float round_e4m3(float v) {
  if (v == 0.0f || std::isnan(v)) return v;
  const float a = std::min(std::fabs(v), kE4m3Max);
  const int exponent = std::max(static_cast<int>(std::floor(std::log2(a))), kE4m3MinExponent);
  const float step = std::ldexp(1.0f, exponent - kE4m3MantissaBits);
  const float q = std::min(std::nearbyint(a / step) * step, kE4m3Max);
  return std::copysign(q, v);
}

Matrix as_sent(const Matrix& m, const std::string& dtype) {
  Matrix out = m;
  if (dtype == "bf16") {
    for (Eigen::Index i = 0; i < out.size(); ++i) out.data()[i] = round_bf16(out.data()[i]);
    return out;
  }
  if (dtype != "fp8") throw std::invalid_argument("unknown payload dtype " + dtype);
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    for (Eigen::Index c0 = 0; c0 < out.cols(); c0 += kFp8BlockElements) {
      const Eigen::Index n = std::min<Eigen::Index>(kFp8BlockElements, out.cols() - c0);
      auto block = out.row(r).segment(c0, n);
      const float amax = block.cwiseAbs().maxCoeff();
      if (amax == 0.0f) continue;
      const float scale = amax / kE4m3Max;
      for (Eigen::Index c = 0; c < n; ++c) block(c) = round_e4m3(block(c) / scale) * scale;
    }
  }
  return out;
}

}  // namespace moesim::kernels
