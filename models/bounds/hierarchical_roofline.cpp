#include "models/bounds/hierarchical_roofline.h"

#include <cmath>
#include <stdexcept>

namespace moesim {
namespace {

bool positive(double x) {
  return std::isfinite(x) && x > 0;
}
bool non_negative(double x) {
  return std::isfinite(x) && x >= 0;
}

}  // namespace

LevelPerformance attainable(const MemoryLevel& level, double link_bandwidth,
                            const KernelDemand& demand) {
  if (!positive(level.peak_flops) || !positive(level.bandwidth))
    throw std::invalid_argument("HRM level '" + level.name +
                                "': peak FLOP/s and bandwidth must be > 0");
  if (!positive(demand.flops)) throw std::invalid_argument("HRM kernel: FLOPs must be > 0");
  if (!non_negative(demand.local_bytes) || !non_negative(demand.crossing_bytes))
    throw std::invalid_argument("HRM kernel: byte counts must be >= 0");
  if (!non_negative(link_bandwidth))
    throw std::invalid_argument("HRM: link bandwidth must be >= 0");
  if (demand.crossing_bytes > 0 && link_bandwidth == 0)
    throw std::invalid_argument("HRM: crossing bytes over a link of zero bandwidth");

  LevelPerformance out{level.peak_flops, "compute"};
  if (demand.local_bytes > 0) {
    const double memory = level.bandwidth * demand.flops / demand.local_bytes;
    if (memory < out.attainable_flops) out = {memory, "memory"};
  }
  if (demand.crossing_bytes > 0) {
    const double link = link_bandwidth * demand.flops / demand.crossing_bytes;
    if (link < out.attainable_flops) out = {link, "link"};
  }
  return out;
}

double moe_ffn_turning_batch(double gpu_peak_flops, uint32_t experts, uint32_t top_k,
                             double bytes_per_weight, double link_bandwidth) {
  if (!positive(gpu_peak_flops) || !positive(bytes_per_weight) || !positive(link_bandwidth))
    throw std::invalid_argument(
        "moe_ffn_turning_batch: peak FLOP/s, bytes per weight and link bandwidth must be > 0");
  if (experts == 0 || top_k == 0 || top_k > experts)
    throw std::invalid_argument("moe_ffn_turning_batch: needs 0 < top_k <= experts");
  return gpu_peak_flops * experts * bytes_per_weight / (2.0 * top_k * link_bandwidth);
}

AttentionPlacement attention_placement(const MemoryLevel& cpu, const MemoryLevel& gpu,
                                       double link_bandwidth, double flops, double kv_bytes) {
  AttentionPlacement out;
  out.cpu = attainable(cpu, link_bandwidth, KernelDemand{flops, kv_bytes, 0});
  out.gpu = attainable(gpu, link_bandwidth, KernelDemand{flops, kv_bytes, kv_bytes});
  out.cpu_better = out.cpu.attainable_flops > out.gpu.attainable_flops;
  return out;
}

}  // namespace moesim
