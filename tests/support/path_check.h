#pragma once
/// Helpers that describe a topology path (link indices into Topology::links()) in the terms the
/// builder tests check: vertex names, link classes, summed latency and bottleneck bandwidth.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.h"
#include "topologies/hardware_specs.h"
#include "topologies/topology.h"

namespace moesim::test {

/// The vertex id of `name`; throws std::out_of_range naming it if the topology has none.
uint32_t node_id(const Topology& topo, const std::string& name);

/// Whether the topology has a vertex called `name`.
bool has_node(const Topology& topo, const std::string& name);

/// The names of the vertices a path visits, both ends included.
std::vector<std::string> path_nodes(const Topology& topo, const std::vector<uint32_t>& path);

/// The link class of every hop.
std::vector<std::string> path_classes(const Topology& topo, const std::vector<uint32_t>& path);

/// Sum of the hops' latencies.
Time path_latency(const Topology& topo, const std::vector<uint32_t>& path);

/// Smallest bandwidth along the path, bytes/s.
double path_bottleneck(const Topology& topo, const std::vector<uint32_t>& path);

/// The preferred path between two vertices given by name.
const std::vector<uint32_t>& named_path(const Topology& topo, const std::string& src,
                                        const std::string& dst);

/// A LinkSpec with the given figures (bytes/s per direction, per-hop latency).
LinkSpec link_spec(double bandwidth, Time latency);

}  // namespace moesim::test
