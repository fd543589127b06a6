#pragma once
/// DeepSeek's expert-parallel load balancer (deepseek-ai/EPLB eplb.py; the procedure is
/// summarised in shared/reference/strategies.md 4.1): `redundant` extra replicas of the hottest
/// experts, so that E + redundant slots fill every rank equally.
///   hierarchical (more than one node, groups a multiple of the nodes): expert groups packed
///     onto nodes by load, each node's experts replicated into its slots, the slots packed
///     onto the node's GPUs;
///   global otherwise: the same with one node.
/// Replication gives each extra slot to the expert with the largest load per replica.
/// With `rebalance_every: K` the serving engine re-plans every K iterations from the loads of
/// the last K and moves the weights of every newly placed replica over the network.

#include <cstdint>

#include "models/strategies/placement/placement.h"

namespace moesim {

struct EplbParams {
  uint32_t redundant = 0;        ///< extra replicas in total
  uint32_t groups = 0;           ///< expert groups for the node level; 0: one per node
  uint32_t rebalance_every = 0;  ///< iterations between re-plans; 0: static
  ReplicaChoice replica_choice = ReplicaChoice::kRoundRobin;
};

class EplbPlacement final : public PlacementStrategy {
 public:
  explicit EplbPlacement(EplbParams params) : params_(params) {}

  /// Throws std::invalid_argument if experts + redundant is not a multiple of the ranks.
  ExpertPlacement place(const PlacementContext& context) const override;
  uint32_t rebalance_every() const override { return params_.rebalance_every; }

  bool uses_load() const override { return true; }

  static PlacementFamily::Entry entry();

 private:
  EplbParams params_;
};

}  // namespace moesim
