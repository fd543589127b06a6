#pragma once
/// Expert placement: which ranks hold which experts.

#include <cstdint>
#include <vector>

namespace moesim {

struct ExpertPlacement {
  /// ranks_of_expert[e]: the ranks holding a replica of expert e (at least one).
  std::vector<std::vector<uint32_t>> ranks_of_expert;
  uint32_t ranks = 0;

  /// The experts held by `rank`, ascending.
  std::vector<uint32_t> experts_on(uint32_t rank) const;
  /// For each rank, the experts it serves when every expert is served by its first replica
  /// (a cost model with no basis for splitting an expert's tokens). Throws
  /// std::invalid_argument unless the placement covers `ranks` ranks and `experts` experts.
  std::vector<std::vector<uint32_t>> served_by_first_replica(uint32_t ranks,
                                                             uint32_t experts) const;
};

class PlacementStrategy {
 public:
  virtual ~PlacementStrategy() = default;
  /// Places `experts` experts on `ranks` ranks. Throws std::invalid_argument if impossible.
  virtual ExpertPlacement place(uint32_t experts, uint32_t ranks) const = 0;
};

}  // namespace moesim
