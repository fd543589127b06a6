#pragma once
/// Hierarchical Roofline Model of MoE-Lightning (Cao et al., ASPLOS 2025, arXiv 2411.11217,
/// HRM section): a roofline per memory level plus a ceiling for the bytes that cross into the
/// level over a link. A kernel of W FLOPs reading Q_i bytes of level-i memory and Q_{j->i}
/// bytes over the link j -> i attains at level i
///   P_i = min(Pi_i, beta_i W / Q_i, beta_{j->i} W / Q_{j->i})   [FLOP/s].

#include <cstdint>
#include <string>

namespace moesim {

/// A level where compute runs, with its local memory.
struct MemoryLevel {
  std::string name;
  double peak_flops = 0;  ///< Pi_i, FLOP/s
  double bandwidth = 0;   ///< beta_i, local memory bandwidth, bytes/s
};

/// What one kernel needs.
struct KernelDemand {
  double flops = 0;           ///< W, FLOPs
  double local_bytes = 0;     ///< Q_i, bytes read from the level's own memory
  double crossing_bytes = 0;  ///< Q_{j->i}, bytes that cross the link into the level
};

struct LevelPerformance {
  double attainable_flops = 0;  ///< P_i, FLOP/s
  std::string ceiling;          ///< "compute", "memory" or "link"; ties go to the earlier one
};

/// P_i for `demand` at `level`, fed over a link of `link_bandwidth` bytes/s. A zero byte count
/// removes its ceiling. Throws std::invalid_argument for non-positive peak FLOP/s or local
/// bandwidth, non-positive FLOPs, negative byte counts, or crossing bytes over a link of
/// bandwidth <= 0.
LevelPerformance attainable(const MemoryLevel& level, double link_bandwidth,
                            const KernelDemand& demand);

/// Batch N* (tokens) where the PCIe ceiling of an MoE FFN with streamed weights meets GPU peak:
/// every weight byte serves about N k / E tokens at 2 FLOPs per weight, so intensity against the
/// link is 2 N k / (E b) FLOP/byte and N* = Pi_GPU E b / (2 k beta_link) (moesim's derivation
/// from the HRM). Throws std::invalid_argument for non-positive arguments or top_k > experts.
double moe_ffn_turning_batch(double gpu_peak_flops, uint32_t experts, uint32_t top_k,
                             double bytes_per_weight, double link_bandwidth);

/// Decode attention placed on the CPU (the KV is local in host memory) or on the GPU (the KV
/// crosses the link, then is read from HBM).
struct AttentionPlacement {
  LevelPerformance cpu, gpu;
  bool cpu_better = false;  ///< the CPU attains strictly more FLOP/s
};

/// Both placements for attention of `flops` FLOPs over `kv_bytes` bytes of KV cache held in
/// host memory. Throws as attainable.
AttentionPlacement attention_placement(const MemoryLevel& cpu, const MemoryLevel& gpu,
                                       double link_bandwidth, double flops, double kv_bytes);

}  // namespace moesim
