#pragma once
/// What this host's CPU does for the reference kernels: fp32 GEMM throughput by the number of
/// rows (tokens) and memory read bandwidth, measured by `moesim calibrate --suite cpu`, and the
/// time of a SwiGLU expert predicted from them.

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

namespace moesim {

struct HostProfile {
  /// FLOP/s of an fp32 GEMM [m x 1024] x [1024 x 1024], by m (rows).
  std::map<double, double> gemm_flops_by_rows;
  double memory_bandwidth = 0.0;  ///< bytes/s, streaming reads of a large array

  /// GEMM throughput at `rows`, interpolated in log(rows) and held constant outside the
  /// measured range. Precondition: gemm_flops_by_rows is not empty.
  double gemm_flops(double rows) const;
};

/// Median wall seconds of `repeats` runs of `work` (the median resists a run disturbed by other
/// jobs on the machine).
template <class Work>
double median_seconds(int repeats, Work&& work) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// Measures the host, single-threaded: about a second.
HostProfile measure_host_profile();

/// Predicted seconds of one SwiGLU expert over `tokens` tokens: gate, up ([T x H] x [H x F])
/// and down ([T x F] x [F x H]) GEMMs, each the longer of its FLOPs at the profile's rate for
/// T rows and its fp32 weights at the memory bandwidth.
double predict_swiglu_seconds(const HostProfile& profile, double tokens, double hidden, double ffn);

}  // namespace moesim
