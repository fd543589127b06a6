#pragma once
/// Equal-cost paths by the plain algorithm, for comparing Topology's per-pair search against:
/// Dijkstra from the source over the whole graph (O(V^2), no heap), the shortest-path DAG,
/// then every vertex's paths in order of distance, each vertex keeping its first 64.

#include <cstdint>
#include <vector>

#include "topologies/topology.h"

namespace moesim::test {

/// paths[dst] = Topology::equal_cost_paths(src, dst) as the plain algorithm finds them: empty
/// where dst is unreachable, one empty path for dst == src.
std::vector<std::vector<std::vector<uint32_t>>> reference_paths_from(const Topology& topo,
                                                                     uint32_t src);

}  // namespace moesim::test
