#pragma once
/// The path cache of a Topology: equal-cost paths and flow paths per (src, dst) pair, found on
/// first use (PathSearch) and kept until clear(). Only the pairs asked for cost time and
/// memory, so a machine of 65,536 GPUs whose simulation asks for ring neighbours and a sample
/// of all-to-all pairs never pays for all pairs.
///
/// A source asked for many destinations gets a full Dijkstra once (its tree kept, within a
/// memory budget, oldest dropped first); other pairs get a bidirectional search each. Both
/// give the same paths.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "topologies/pair_dag.h"
#include "topologies/path_search.h"
#include "topologies/search_graph.h"

namespace moesim {

class PathFinder {
 public:
  using Paths = std::vector<std::vector<uint32_t>>;

  /// At most `max_paths` equal-cost paths per pair, the lexicographically first.
  explicit PathFinder(size_t max_paths) : max_paths_(max_paths) {}

  /// Whether a graph is loaded (prepare() since the last clear()).
  bool ready() const { return ready_; }

  /// Loads the graph and forgets every path.
  void prepare(SearchGraph graph);

  /// Forgets the graph and every path; references handed out become invalid.
  void clear();

  /// Every path of minimal weight from src to dst, sorted by link index, at most max_paths;
  /// one empty path when src == dst, none when dst is unreachable. Stays valid until clear().
  const Paths& equal_cost_paths(uint32_t src, uint32_t dst);

  /// equal_cost_paths(src, dst)[hash % count] without keeping the other paths; nullptr when
  /// dst is unreachable. Kept per pair, so `hash` must be a function of (src, dst).
  const std::vector<uint32_t>* flow_path(uint32_t src, uint32_t dst, uint64_t hash);

 private:
  // Fills dag_ with the pair's shortest-path DAG; false when dst is unreachable.
  bool find_dag(uint32_t src, uint32_t dst);

  size_t max_paths_;
  bool ready_ = false;
  PathSearch search_;
  PairDag dag_;
  std::unordered_map<uint64_t, Paths> equal_cost_;             // by (src << 32 | dst)
  std::unordered_map<uint64_t, std::vector<uint32_t>> flows_;  // by (src << 32 | dst)
  std::vector<uint32_t> searched_;  // per source: pairs searched bidirectionally
  std::unordered_map<uint32_t, PathSearch::Tree> trees_;  // full searches by source
  std::deque<uint32_t> tree_sources_;                     // oldest first
  size_t tree_bytes_ = 0;
  size_t tree_estimate_ = 0;  // bytes of one tree at most
};

}  // namespace moesim
