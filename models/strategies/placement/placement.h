#pragma once
/// Expert placement: which ranks hold which experts, and how an expert's tokens are split over
/// its replicas. The placement family's interface and its context.

#include <cstdint>
#include <vector>

#include "models/strategies/strategy_family.h"

namespace moesim {

/// How a token chooses among the replicas of its expert.
enum class ReplicaChoice {
  kRoundRobin,  ///< the expert's tokens go to its replicas in turn (an even split)
  /// To the least-loaded replica: the layer forward decides per token (the replica whose rank
  /// has the fewest expert tokens so far); serving splits counts (ReplicaSplit: busiest expert
  /// first, its tokens filling its replicas' ranks up to a common level).
  kLeastLoaded,
};

struct ExpertPlacement {
  /// ranks_of_expert[e]: the distinct ranks holding a replica of expert e (at least one).
  std::vector<std::vector<uint32_t>> ranks_of_expert;
  uint32_t ranks = 0;
  ReplicaChoice replica_choice = ReplicaChoice::kRoundRobin;

  /// The experts held by `rank`, ascending.
  std::vector<uint32_t> experts_on(uint32_t rank) const;
  /// Expert replicas held in total (the experts plus the redundant copies).
  uint64_t replicas() const;
  /// Throws std::invalid_argument unless the placement covers `ranks` ranks and `experts`
  /// experts, every expert on at least one rank, no rank twice for one expert.
  void check_covers(uint32_t ranks, uint32_t experts) const;
};

/// What a placement may consult.
struct PlacementContext {
  uint32_t experts = 0;
  uint32_t ranks = 0;
  uint32_t ranks_per_node = 0;  ///< 0: all ranks on one node
  /// Expected tokens per expert (summed over layers) from the routing's statistics or a
  /// trace's measured loads; empty when unknown (then every expert counts the same).
  std::vector<double> expert_load;
  /// Per MoE layer, the flattened E x E symmetric matrix of how many sampled tokens chose both
  /// experts i and j (entry i * E + j; diagonal: tokens choosing i), from
  /// traces/coactivation_sampler.h; empty when unknown. One matrix applies to every layer. (The
  /// `{}` and `= 0` keep brace initialisations that end at expert_load warning-free.)
  std::vector<std::vector<double>> coactivation{};
  /// The MoE layer being placed when the engine plans per layer (a load-aware strategy): the
  /// index into `coactivation` where that holds a matrix per layer.
  uint32_t layer = 0;

  uint32_t nodes() const { return ranks_per_node == 0 ? 1 : ranks / ranks_per_node; }
};

class PlacementStrategy {
 public:
  virtual ~PlacementStrategy() = default;
  /// Places the context's experts on its ranks. Throws std::invalid_argument if impossible.
  virtual ExpertPlacement place(const PlacementContext& context) const = 0;
  /// Serving iterations between re-plans from the recent window's loads; 0: static.
  virtual uint32_t rebalance_every() const { return 0; }
  /// Whether place() reads the context's expert loads (else the engine need not estimate them).
  virtual bool uses_load() const { return false; }
  /// Whether place() reads the context's co-activation (else the engine need not sample it:
  /// layers x E x E counts).
  virtual bool uses_coactivation() const { return false; }
};

/// The strategy object is built once per run from its parameters; it places on demand.
using PlacementFamily = StrategyFamily<PlacementStrategy, PlacementContext>;

/// The built-in placements (one registration line each).
void add_builtin_placements(PlacementFamily& family);

}  // namespace moesim
