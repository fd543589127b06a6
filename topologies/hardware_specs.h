#pragma once
/// Figures of the hardware in the catalogue (topologies/catalogue/*.yaml), in base units.
/// Every entry carries the source of its numbers; docs/hardware.md describes the files.

#include <map>
#include <string>

#include "sim/time.h"

namespace moesim {

/// A point-to-point link technology (PCIe generation, NVLink generation, IB rate, ...).
struct LinkSpec {
  std::string name;        ///< catalogue key, e.g. "nvlink4"
  std::string kind;        ///< pcie, nvlink, c2c, xgmi, infiniband, ethernet
  double bandwidth = 0.0;  ///< bytes/s per direction, as one GPU or port sees it
  Time latency;            ///< per hop
  std::string source;
};

/// An accelerator.
struct GpuSpec {
  std::string name;  ///< catalogue key, e.g. "H100-SXM"
  /// Dense peak FLOP/s by dtype ("fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4").
  std::map<std::string, double> peak_flops_by_dtype;
  /// Dense FLOP/s at the dtype the scenario computes in; filled when a scenario picks a dtype.
  double peak_flops = 0.0;
  double memory_bandwidth = 0.0;  ///< bytes/s of device memory (HBM/GDDR)
  double memory_capacity = 0.0;   ///< bytes of device memory
  std::string scale_up_link;      ///< LinkSpec name, "" when the GPU has no scale-up fabric
  std::string host_link;          ///< LinkSpec name of the link to the host (PCIe, C2C)
  /// What one GPU costs to run, US dollars per hour, as the user's catalogue or scenario gives
  /// it (`moesim plan` with `cost: gpu_hour`); 0 when not given: prices vary by provider and
  /// contract, so the shipped catalogue states none.
  double usd_per_hour = 0.0;
  std::string source;
};

/// A CPU socket.
struct CpuSpec {
  std::string name;               ///< catalogue key, e.g. "Xeon-Platinum-8380"
  uint32_t cores = 0;             ///< physical cores per socket
  uint32_t memory_channels = 0;   ///< DDR channels per socket
  double memory_bandwidth = 0.0;  ///< bytes/s per socket, theoretical
  double vector_flops = 0.0;      ///< fp32 FLOP/s per socket, all cores, vector units
  std::string source;
};

}  // namespace moesim
