#pragma once
/// The shortest paths between one pair of vertices as a DAG: every link that lies on some
/// shortest path from the source to the destination, and the vertices those paths cross.
/// Paths are compared lexicographically by link index; PathSearch (topologies/path_search.h)
/// finds the DAG.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moesim {

struct PairDag {
  struct Edge {
    uint32_t link;
    uint32_t to;  ///< a position in `order`
  };
  /// The vertices on some shortest path by distance from the source: source first,
  /// destination last. Every edge leads to a later position.
  std::vector<uint32_t> order;
  /// The edges leaving order[i] are edges[begin[i]] .. edges[begin[i + 1] - 1], in link order.
  std::vector<uint32_t> begin;
  std::vector<Edge> edges;

  void clear() {
    order.clear();
    begin.clear();
    edges.clear();
  }
};

/// The first `max_paths` paths from the source to the destination, each a list of link
/// indices, in lexicographic order. The DAG must not be empty.
std::vector<std::vector<uint32_t>> all_paths(const PairDag& dag, size_t max_paths);

/// all_paths(dag, max_paths)[hash % count], where count = all_paths(dag, max_paths).size(),
/// found by counting paths rather than listing them.
std::vector<uint32_t> chosen_path(const PairDag& dag, size_t max_paths, uint64_t hash);

}  // namespace moesim
