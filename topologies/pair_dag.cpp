#include "topologies/pair_dag.h"

#include <algorithm>

namespace moesim {

std::vector<std::vector<uint32_t>> all_paths(const PairDag& dag, size_t max_paths) {
  // Depth first from the source, each vertex's edges in link order: paths come out in
  // lexicographic order, and every partial path reaches the destination, so the walk stops
  // after max_paths of them.
  const uint32_t last = static_cast<uint32_t>(dag.order.size() - 1);
  std::vector<std::vector<uint32_t>> out;
  std::vector<uint32_t> path;
  std::vector<uint32_t> at{0};               // positions along the current path
  std::vector<uint32_t> next{dag.begin[0]};  // the next edge to try from each of them
  while (!at.empty() && out.size() < max_paths) {
    if (at.back() == last) {
      out.push_back(path);
    } else if (next.back() < dag.begin[at.back() + 1]) {
      const PairDag::Edge& e = dag.edges[next.back()++];
      path.push_back(e.link);
      at.push_back(e.to);
      next.push_back(dag.begin[e.to]);
      continue;
    }
    at.pop_back();
    next.pop_back();
    if (!path.empty()) path.pop_back();
  }
  return out;
}

std::vector<uint32_t> chosen_path(const PairDag& dag, size_t max_paths, uint64_t hash) {
  const size_t n = dag.order.size();
  // count[v]: paths from v to the destination, capped at max_paths (only the first max_paths
  // paths are ever chosen, so a larger count changes nothing).
  std::vector<size_t> count(n, 0);
  count[n - 1] = 1;
  for (size_t v = n - 1; v-- > 0;) {
    for (uint32_t e = dag.begin[v]; e < dag.begin[v + 1]; ++e) {
      count[v] = std::min(max_paths, count[v] + count[dag.edges[e].to]);
    }
  }
  // The k-th path in lexicographic order: at each vertex, skip the edges (in link order) whose
  // paths all come before it.
  uint64_t k = hash % count[0];
  std::vector<uint32_t> path;
  for (size_t v = 0; v != n - 1;) {
    for (uint32_t e = dag.begin[v]; e < dag.begin[v + 1]; ++e) {
      const PairDag::Edge& edge = dag.edges[e];
      if (k < count[edge.to]) {
        path.push_back(edge.link);
        v = edge.to;
        break;
      }
      k -= count[edge.to];
    }
  }
  return path;
}

}  // namespace moesim
