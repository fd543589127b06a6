#include "models/cost_model/compute_peak.h"

#include <string>

namespace moesim {

GpuSpec at_compute_dtype(const GpuSpec& gpu, std::string_view dtype) {
  GpuSpec at = gpu;
  const auto& peaks = gpu.peak_flops_by_dtype;
  auto peak = peaks.find(std::string(dtype));
  if (peak == peaks.end() && dtype == "fp4") peak = peaks.find("bf16");
  if (peak != peaks.end()) at.peak_flops = peak->second;
  return at;
}

}  // namespace moesim
