#pragma once
/// The serving engine's expert placement at run time: the placement strategy's plan, each
/// layer's tokens split over expert replicas (ReplicaSplit), and, for a strategy that
/// re-plans every K iterations, the re-plan from the loads of the last K iterations with the
/// bytes of every newly placed replica's weights (all MoE layers) to move. Memory is O(experts
/// + ranks): running sums, not per-iteration records.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "models/strategies/placement/placement.h"
#include "models/strategies/placement/replica_split.h"

namespace moesim {

class ExpertLoadBalancer {
 public:
  /// `strategy` must outlive this object. `expert_bytes`: one expert's weights over all MoE
  /// layers (what moves when a rank gains a replica). Throws std::invalid_argument for a plan
  /// that does not cover the context's ranks and experts.
  ExpertLoadBalancer(const PlacementStrategy& strategy, PlacementContext context,
                     double expert_bytes);

  /// Splits one layer's tokens per expert over the replicas: for each rank, the tokens of the
  /// experts it holds (aligned with experts_of_rank). Adds them to the window and run totals.
  const std::vector<std::vector<uint64_t>>& split(std::span<const uint64_t> tokens_per_expert);
  const std::vector<std::vector<uint32_t>>& experts_of_rank() const {
    return split_->experts_of_rank();
  }

  /// Ends an iteration; on a re-plan returns the bytes each rank receives (empty otherwise).
  std::vector<double> end_iteration();

  const ExpertPlacement& placement() const { return placement_; }
  /// Expert tokens each rank computed over the run (every layer).
  const std::vector<uint64_t>& rank_tokens() const { return rank_tokens_; }
  /// max / mean of rank_tokens (1 when nothing ran).
  double max_over_mean() const;
  double migrated_bytes() const { return migrated_bytes_; }
  uint64_t replans() const { return replans_; }

 private:
  void install(ExpertPlacement placement);

  const PlacementStrategy* strategy_;
  PlacementContext context_;
  double expert_bytes_;
  ExpertPlacement placement_;
  std::unique_ptr<ReplicaSplit> split_;
  std::vector<double> window_;  // tokens per expert since the last plan
  std::vector<uint64_t> rank_tokens_;
  uint64_t iterations_ = 0;
  uint64_t replans_ = 0;
  double migrated_bytes_ = 0;
};

}  // namespace moesim
