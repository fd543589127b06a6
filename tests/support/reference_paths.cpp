#include "support/reference_paths.h"

#include <algorithm>
#include <limits>

namespace moesim::test {

std::vector<std::vector<std::vector<uint32_t>>> reference_paths_from(const Topology& topo,
                                                                     uint32_t src) {
  const auto& nodes = topo.nodes();
  const auto& links = topo.links();
  const size_t n = nodes.size();
  // Latency in ps x 1024 + 1 per link: latency first, then fewest hops.
  const auto weight = [&](uint32_t l) { return links[l].config.latency.picoseconds() * 1024 + 1; };
  const auto usable = [&](uint32_t l) {
    return links[l].from == src || nodes[links[l].from].transit;
  };
  constexpr int64_t kUnreached = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> dist(n, kUnreached);
  std::vector<uint8_t> done(n, 0);
  dist[src] = 0;
  for (;;) {
    uint32_t u = 0;
    int64_t best = kUnreached;
    for (uint32_t v = 0; v < n; ++v) {
      if (!done[v] && dist[v] < best) {
        best = dist[v];
        u = v;
      }
    }
    if (best == kUnreached) break;
    done[u] = 1;
    for (uint32_t l = 0; l < links.size(); ++l) {
      if (links[l].from == u && usable(l)) {
        dist[links[l].to] = std::min(dist[links[l].to], best + weight(l));
      }
    }
  }
  std::vector<uint32_t> order;
  for (uint32_t v = 0; v < n; ++v) {
    if (dist[v] != kUnreached && v != src) order.push_back(v);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return dist[a] < dist[b]; });
  std::vector<std::vector<std::vector<uint32_t>>> paths(n);
  paths[src].push_back({});
  for (uint32_t v : order) {
    for (uint32_t l = 0; l < links.size(); ++l) {
      const uint32_t u = links[l].from;
      if (links[l].to != v || !usable(l) || dist[u] == kUnreached ||
          dist[u] + weight(l) != dist[v]) {
        continue;
      }
      for (const auto& prefix : paths[u]) {
        paths[v].push_back(prefix);
        paths[v].back().push_back(l);
      }
    }
    std::sort(paths[v].begin(), paths[v].end());
    if (paths[v].size() > Topology::kMaxEqualCostPaths) {
      paths[v].resize(Topology::kMaxEqualCostPaths);
    }
  }
  return paths;
}

}  // namespace moesim::test
