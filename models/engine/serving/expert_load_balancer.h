#pragma once
/// The serving engine's expert placement at run time: the placement strategy's plan for each
/// MoE layer (one shared plan when the strategy ignores loads; a plan per layer from that
/// layer's loads otherwise, as DeepSeek's EPLB plans), each layer's tokens split over expert
/// replicas (ReplicaSplit), and, for a strategy that re-plans every K iterations, the re-plan
/// from the loads of the last K iterations with the bytes of every newly placed replica's
/// weights to move. Memory is O(layers x experts + ranks): running sums, not per-iteration
/// records.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "models/strategies/placement/placement.h"
#include "models/strategies/placement/replica_split.h"

namespace moesim {

class ExpertLoadBalancer {
 public:
  /// `strategy` must outlive this object. `layer_loads[l]`: expected tokens per expert at MoE
  /// layer l (empty when the strategy ignores loads). `expert_bytes`: one expert's weights in
  /// one layer (what moves when a rank gains a replica). Throws std::invalid_argument for a
  /// plan that does not cover the context's ranks and experts. `layer_coactivation[l]`: MoE
  /// layer l's expert co-activation (traces/coactivation_sampler.h), for strategies that read
  /// it; empty otherwise.
  ExpertLoadBalancer(const PlacementStrategy& strategy, PlacementContext context,
                     std::vector<std::vector<double>> layer_loads, uint32_t layers,
                     double expert_bytes, std::vector<std::vector<double>> layer_coactivation = {});

  /// Splits MoE layer `layer`'s tokens per expert over the replicas: for each rank, the tokens
  /// of the experts it holds there, ascending. Adds them to the window and run totals.
  const std::vector<std::vector<uint64_t>>& split(uint32_t layer,
                                                  std::span<const uint64_t> tokens_per_expert);

  /// Ends an iteration; on a re-plan returns the bytes each rank receives (empty otherwise).
  std::vector<double> end_iteration();

  /// The plan of MoE layer `layer` (the shared plan when there is one).
  const ExpertPlacement& placement(uint32_t layer = 0) const { return plan_of(layer).placement; }
  /// Expert replicas over all layers' plans, divided by the layers (the replicas of one layer).
  double replicas_per_layer() const;
  /// Expert tokens each rank computed over the run (every layer).
  const std::vector<uint64_t>& rank_tokens() const { return rank_tokens_; }
  /// The busiest rank's expert tokens over the mean rank's, per layer and iteration (what sets
  /// the MoE block's time), token-weighted over the run: sum of maxima / sum of means (1 when
  /// nothing ran).
  double max_over_mean() const;
  double migrated_bytes() const { return migrated_bytes_; }
  uint64_t replans() const { return replans_; }

 private:
  struct Plan {
    ExpertPlacement placement;
    std::unique_ptr<ReplicaSplit> split;
  };
  Plan make_plan(ExpertPlacement placement) const;
  const Plan& plan_of(uint32_t layer) const { return plans_[plans_.size() == 1 ? 0 : layer]; }

  const PlacementStrategy* strategy_;
  PlacementContext context_;
  uint32_t layers_;
  double expert_bytes_;
  std::vector<Plan> plans_;                  // one shared, or one per MoE layer
  std::vector<std::vector<double>> window_;  // [layer][expert] tokens since the last plan
  std::vector<uint64_t> rank_tokens_;
  double busiest_sum_ = 0;  // sum over (iteration, layer) of the busiest rank's tokens
  double mean_sum_ = 0;     // sum over (iteration, layer) of the mean rank's tokens
  uint64_t iterations_ = 0;
  uint64_t replans_ = 0;
  double migrated_bytes_ = 0;
};

}  // namespace moesim
