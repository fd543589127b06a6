#include "fabric.h"

#include <algorithm>
#include <stdexcept>

namespace moesim::compare {

namespace {

void add_hosts(Fabric& f, uint32_t first, uint32_t count, int32_t parent) {
  for (uint32_t r = first; r < first + count; ++r) {
    f.hosts.push_back(static_cast<uint32_t>(f.nodes.size()));
    f.nodes.push_back({"host" + std::to_string(r), parent, true, kHostBandwidth, kHostLatencyPs});
  }
}

}  // namespace

Fabric make_star(uint32_t ranks) {
  if (ranks < 2) throw std::invalid_argument("an all-to-all needs at least 2 ranks");
  Fabric f;
  f.topology = "star";
  f.bytes = kPairBytes;
  f.nodes.push_back({"switch", -1, false, 0.0, 0});
  add_hosts(f, 0, ranks, 0);
  // Each host link carries N-1 equal flows per direction for the whole run: (N-1) S / B,
  // after the route latency of two host links.
  f.analytic_us = (ranks - 1) * kPairBytes / kHostBandwidth * 1e6 + 2 * kHostLatencyPs * 1e-6;
  return f;
}

Fabric make_fat_tree(uint32_t ranks) {
  if (ranks < 2) throw std::invalid_argument("an all-to-all needs at least 2 ranks");
  Fabric f;
  f.topology = "fattree";
  f.bytes = kPairBytes;
  f.nodes.push_back({"core", -1, false, 0.0, 0});
  for (uint32_t first = 0, leaf = 0; first < ranks; first += kHostsPerLeaf, ++leaf) {
    const uint32_t count = std::min(kHostsPerLeaf, ranks - first);
    const auto leaf_node = static_cast<int32_t>(f.nodes.size());
    f.nodes.push_back({"leaf" + std::to_string(leaf), 0, false, count * kHostBandwidth / 2, 0});
    add_hosts(f, first, count, leaf_node);
  }
  // Full leaves only. One leaf: a star. Otherwise (N >= 16) a remote flow's share of its
  // leaf uplink, 4B / (8 (N-8)), is below its share of a host link, B / (N-1); local flows
  // take the rest of the host link (B/14 each) and finish first, and the remote flows end
  // at 2 (N-8) S / B.
  const double lat_us = 2 * kHostLatencyPs * 1e-6;
  if (ranks == kHostsPerLeaf) {
    f.analytic_us = (ranks - 1) * kPairBytes / kHostBandwidth * 1e6 + lat_us;
  } else if (ranks % kHostsPerLeaf == 0) {
    f.analytic_us = 2.0 * (ranks - kHostsPerLeaf) * kPairBytes / kHostBandwidth * 1e6 + lat_us;
  }
  return f;
}

std::vector<std::pair<uint32_t, bool>> tree_route(const Fabric& fabric, uint32_t src,
                                                  uint32_t dst) {
  auto ancestors = [&](uint32_t n) {
    std::vector<uint32_t> chain;  // n, parent(n), ..., root
    for (auto v = static_cast<int32_t>(n); v >= 0; v = fabric.nodes[v].parent) {
      chain.push_back(static_cast<uint32_t>(v));
    }
    return chain;
  };
  const std::vector<uint32_t> up = ancestors(src);
  const std::vector<uint32_t> down = ancestors(dst);
  // Strip the common tail (the root downwards); what remains are the nodes whose parent
  // links the route crosses.
  size_t i = up.size(), j = down.size();
  while (i > 0 && j > 0 && up[i - 1] == down[j - 1]) --i, --j;
  std::vector<std::pair<uint32_t, bool>> route;
  for (size_t k = 0; k < i; ++k) route.emplace_back(up[k], true);
  for (size_t k = j; k > 0; --k) route.emplace_back(down[k - 1], false);
  return route;
}

}  // namespace moesim::compare
