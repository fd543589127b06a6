#include "models/cost_model/host_profile.h"

#include <cmath>
#include <iterator>
#include <vector>

#include "models/reference/kernel_types.h"

namespace moesim {

double HostProfile::gemm_flops(double rows) const {
  const auto hi = gemm_flops_by_rows.lower_bound(rows);
  if (hi == gemm_flops_by_rows.end()) return std::prev(hi)->second;
  if (hi->first == rows || hi == gemm_flops_by_rows.begin()) return hi->second;
  const auto lo = std::prev(hi);
  const double f =
      (std::log(rows) - std::log(lo->first)) / (std::log(hi->first) - std::log(lo->first));
  return lo->second + f * (hi->second - lo->second);
}

HostProfile measure_host_profile() {
  HostProfile p;
  constexpr int kInner = 1024;
  const kernels::Matrix b = kernels::Matrix::Random(kInner, kInner);
  for (const int rows : {1, 4, 16, 64, 256, 512}) {
    const kernels::Matrix a = kernels::Matrix::Random(rows, kInner);
    kernels::Matrix c(rows, kInner);
    const double seconds = median_seconds(5, [&] { c.noalias() = a * b; });
    p.gemm_flops_by_rows[rows] = 2.0 * rows * kInner * kInner / seconds;
  }
  // 256 MiB of floats, far beyond the caches, summed by Eigen's vectorised reduction (a plain
  // serial sum would measure the adder's latency, not the memory).
  std::vector<float> data(64u << 20, 1.0f);
  const Eigen::Map<const Eigen::VectorXf> view(data.data(), static_cast<Eigen::Index>(data.size()));
  volatile float sink = 0.0f;
  const double seconds = median_seconds(3, [&] { sink = view.sum(); });
  (void)sink;
  p.memory_bandwidth = static_cast<double>(data.size() * sizeof(float)) / seconds;
  return p;
}

double predict_swiglu_seconds(const HostProfile& profile, double tokens, double hidden,
                              double ffn) {
  const double rate = profile.gemm_flops(tokens);
  const auto gemm = [&](double k, double n) {
    return std::max(2.0 * tokens * k * n / rate, k * n * 4.0 / profile.memory_bandwidth);
  };
  return 2.0 * gemm(hidden, ffn) + gemm(ffn, hidden);
}

}  // namespace moesim
