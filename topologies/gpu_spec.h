#pragma once
/// The figures of one accelerator that the cost models need.

#include <string>

namespace moesim {

struct GpuSpec {
  std::string name;
  double peak_flops = 0.0;        ///< dense FLOP/s at the model's compute dtype
  double memory_bandwidth = 0.0;  ///< bytes/s of device memory (HBM/GDDR)
  double memory_capacity = 0.0;   ///< bytes of device memory
};

}  // namespace moesim
