#pragma once
/// MoE block cost models: the time of one rank's routed-expert block from its expert load, the
/// number of tokens each of its experts received (0 for an expert that received none). Every
/// implementation depends on how many distinct experts are active and on their token counts,
/// not only on the total:
///   RooflineMoeBlockCost    per-expert roofline of the SwiGLU GEMMs (hardware limit with
///                           efficiencies 1), plus a fixed cost per expert kernel
///   ProfiledMoeBlockCost    a measured (tokens, activated experts) table (LayerProfile)
///   ExpertLoadCost          a per-block, per-active-expert and per-pair linear fit

#include <cstdint>
#include <span>

namespace moesim {

class MoeBlockCostModel {
 public:
  virtual ~MoeBlockCostModel() = default;
  /// Microseconds for the block on one rank.
  virtual double block_us(std::span<const uint64_t> tokens_per_expert) const = 0;
};

}  // namespace moesim
