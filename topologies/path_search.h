#pragma once
/// Shortest paths of a SearchGraph (integer link weights >= 1), found for one (source,
/// destination) pair at a time as a PairDag: the links that lie on some shortest path.
///
/// Two ways to find a pair's DAG:
/// - pair_dag(src, dst, dag): a bidirectional Dijkstra. It settles the vertices within about
///   half the path's weight of either end, so its cost depends on the neighbourhoods of the two
///   ends, not on the size of the graph (a rail switch of 8,192 ports is scanned, not crossed).
/// - tree_from(src) once, then pair_dag(src, dst, tree, dag) per destination: a full Dijkstra,
///   cheaper when one source asks for many destinations.
/// Both give the same DAG. The work arrays are reused between searches, so a search costs
/// nothing per vertex of the graph that it does not touch.

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "topologies/pair_dag.h"
#include "topologies/search_graph.h"

namespace moesim {

class PathSearch {
 public:
  /// The distance of a vertex no path reaches; sums of two stay far from overflow.
  static constexpr int64_t kUnreached = std::numeric_limits<int64_t>::max() / 4;

  /// A full search from one source: every vertex's distance (kUnreached where no path reaches
  /// it) and the links into it that lie on a shortest path.
  struct Tree {
    std::vector<int64_t> dist;
    std::vector<uint32_t> begin;  ///< links into v: tight[begin[v]] .. tight[begin[v + 1] - 1]
    std::vector<uint32_t> tight;
    size_t bytes() const { return dist.size() * 8 + begin.size() * 4 + tight.size() * 4; }
  };

  PathSearch() = default;
  explicit PathSearch(SearchGraph graph);

  const SearchGraph& graph() const { return graph_; }

  /// The DAG of the shortest paths from src to dst (src != dst) by a bidirectional search;
  /// false, with `dag` empty, when no path exists.
  bool pair_dag(uint32_t src, uint32_t dst, PairDag& dag);

  void tree_from(uint32_t src, Tree& tree);

  /// The same DAG as pair_dag(src, dst, dag), read off `tree` = tree_from(src).
  bool pair_dag(uint32_t src, uint32_t dst, const Tree& tree, PairDag& dag);

 private:
  using Arc = SearchGraph::Arc;
  using Heap = std::vector<std::pair<int64_t, uint32_t>>;  // (distance, vertex), a min-heap
  struct Edge {
    uint32_t link;
    uint32_t from;
    uint32_t to;
  };
  // An arc one side scanned, labelling its far end (when no closer label existed): the DAG's
  // links on that side are among these.
  struct Relaxed {
    Edge edge;
    int64_t distance;  // of the far end through this arc
  };

  bool usable_from(uint32_t v) const { return v == src_ || graph_.transit(v); }
  void reset();
  void touch(uint32_t v);
  void mark(uint32_t v, uint8_t side);
  int64_t top(Heap& heap, const std::vector<int64_t>& dist);
  // Settles the closest vertex of one side and scans its arcs, labelling vertices no further
  // than `limit`; top_b, top_f: the other side's frontier.
  void settle_forward(int64_t limit, int64_t top_b);
  void settle_backward(int64_t limit, int64_t top_f);
  bool beyond_middle(int64_t d, int64_t other_top) const;
  // The DAG's links into raw_: those that cross from src's side (distance <= half_f) to dst's
  // side (distance to dst <= half_b), then those on each side.
  void add_crossing_edges(int64_t half_f, int64_t half_b, int64_t total);
  void close_side(std::vector<Relaxed>& relaxed, const std::vector<int64_t>& dist, int64_t half,
                  bool forward);
  // The DAG from raw_ and by_distance_ (its vertices with their distances from src).
  void finish(PairDag& dag);

  SearchGraph graph_;

  // Work arrays of one search, reset through touched_.
  uint32_t src_ = 0;
  uint32_t dst_ = 0;
  int64_t meet_ = kUnreached;  // shortest src -> dst distance seen so far
  std::vector<int64_t> df_;    // from src
  std::vector<int64_t> db_;    // to dst
  std::vector<uint8_t> flags_;
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> settled_f_, settled_b_;  // in the order settled
  std::vector<uint32_t> side_f_, side_b_;        // DAG vertices found from src's, dst's side
  std::vector<Relaxed> relaxed_f_, relaxed_b_;
  Heap heap_f_, heap_b_;
  std::vector<Edge> raw_;
  std::vector<std::pair<int64_t, uint32_t>> by_distance_;
  std::vector<uint32_t> index_;  // a DAG vertex's position in PairDag::order
};

}  // namespace moesim
