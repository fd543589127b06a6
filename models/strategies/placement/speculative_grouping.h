#pragma once
/// Speculative expert grouping (s-EG; "Speculative MoE", arXiv 2503.04398, summarised in
/// shared/reference/strategies.md 4.6): experts that the same tokens choose together share a
/// rank, so a token's k experts span fewer ranks and dispatch sends fewer copies. Each expert
/// once (no replicas), experts / ranks per rank, one plan per MoE layer from that layer's
/// co-activation (PlacementContext::coactivation at `layer`), grouped by
/// group_by_coactivation (greedy assignment, then pairwise swaps). Without co-activation data
/// it packs by expected load alone (balanced packing, as load_balanced). Static: no re-plans.

#include <cstdint>

#include "models/strategies/placement/placement.h"

namespace moesim {

struct SpeculativeGroupingParams {
  uint32_t swaps = 2;    ///< passes of pairwise swap improvement after the greedy assignment
  double balance = 0.5;  ///< [0, 1]: weight of load balance against co-activation
};

class SpeculativeGroupingPlacement final : public PlacementStrategy {
 public:
  explicit SpeculativeGroupingPlacement(SpeculativeGroupingParams params) : params_(params) {}

  /// Throws std::invalid_argument unless the ranks divide the experts, and for a co-activation
  /// matrix that is not E x E or a layer it does not cover.
  ExpertPlacement place(const PlacementContext& context) const override;
  /// Per-layer plans: the engine plans each MoE layer with its own context (layer, loads).
  bool uses_load() const override { return true; }
  bool uses_coactivation() const override { return true; }

  static PlacementFamily::Entry entry();

 private:
  SpeculativeGroupingParams params_;
};

}  // namespace moesim
