#pragma once
/// Splits each expert's token count over its replicas, as the placement's replica choice says,
/// at count level (no per-token work): what every rank's expert block computes in one layer.
///   round_robin: the expert's tokens go to its replicas in turn, the turn carried across
///     calls, exactly as a per-token round robin would split them;
///   least_loaded: experts in descending token count fill their replicas' ranks up to a common
///     level (water-filling), so each token lands on the least-loaded replica.
/// With one replica per expert every expert's tokens go to its rank, whatever the choice.

#include <cstdint>
#include <span>
#include <vector>

#include "models/strategies/placement/placement.h"

namespace moesim {

class ReplicaSplit {
 public:
  explicit ReplicaSplit(const ExpertPlacement& placement);

  /// For each rank, the tokens of each expert it holds, aligned with experts_of_rank(rank).
  const std::vector<std::vector<uint64_t>>& split(std::span<const uint64_t> tokens_per_expert);
  /// The experts each rank holds, ascending.
  const std::vector<std::vector<uint32_t>>& experts_of_rank() const { return experts_of_rank_; }

 private:
  struct Slot {
    uint32_t rank;
    uint32_t position;  // index in experts_of_rank_[rank]
  };
  void give(const Slot& slot, uint64_t tokens);
  void split_least_loaded(uint32_t expert, uint64_t tokens);

  ReplicaChoice choice_;
  bool replicated_ = false;
  std::vector<std::vector<uint32_t>> experts_of_rank_;
  std::vector<std::vector<Slot>> slots_;  // per expert, its replicas
  std::vector<uint64_t> cursor_;          // per expert, the replica whose turn is next
  std::vector<uint64_t> rank_tokens_;     // this call's expert tokens per rank
  std::vector<uint32_t> order_;           // experts by descending tokens (least_loaded)
  std::vector<std::vector<uint64_t>> out_;
};

}  // namespace moesim
