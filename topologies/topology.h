#pragma once
/// The hardware topology as a directed graph (Boost.Graph): vertices are devices and switches,
/// edges are links with a bandwidth and a latency. Paths are latency-shortest, fewest hops on
/// ties, computed by Dijkstra once per source and cached.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/network_model.h"
#include "sim/time.h"

namespace moesim {

enum class NodeKind : uint8_t { kGpu, kCpu, kNic, kSwitch };

const char* to_string(NodeKind kind);

struct TopologyNode {
  std::string name;
  NodeKind kind;
};

struct TopologyLink {
  uint32_t from;
  uint32_t to;
  LinkConfig config;
};

class Topology {
 public:
  /// Adds a vertex. Throws std::invalid_argument on a duplicate or empty name, or one that
  /// contains "->" (link names are "from->to").
  uint32_t add_node(const std::string& name, NodeKind kind);

  /// Adds a directed link named "from->to". Throws std::invalid_argument for unknown vertices,
  /// a non-positive bandwidth, a negative latency, or a second link between the same pair.
  uint32_t add_link(uint32_t from, uint32_t to, const std::string& link_class, double bandwidth,
                    Time latency);

  /// Adds one link in each direction with the same figures.
  void add_duplex_link(uint32_t a, uint32_t b, const std::string& class_ab,
                       const std::string& class_ba, double bandwidth, Time latency);

  /// The links (indices into links()) from `src` to `dst`. Throws std::invalid_argument if no
  /// path exists, naming both ends. src == dst gives an empty path.
  const std::vector<uint32_t>& path(uint32_t src, uint32_t dst) const;

  /// Registers every link with the network in index order, so LinkId == link index.
  void install(NetworkModel& network) const;

  const std::vector<TopologyNode>& nodes() const { return nodes_; }
  const std::vector<TopologyLink>& links() const { return links_; }
  /// The GPU vertices in the order they were added (rank order).
  const std::vector<uint32_t>& gpus() const { return gpus_; }

 private:
  void compute_paths_from(uint32_t src) const;

  std::vector<TopologyNode> nodes_;
  std::vector<TopologyLink> links_;
  std::vector<uint32_t> gpus_;
  std::map<std::string, uint32_t> node_by_name_;
  // paths_[src][dst]; filled lazily per source.
  mutable std::vector<std::vector<std::vector<uint32_t>>> paths_;
  mutable std::vector<uint8_t> paths_ready_;
};

}  // namespace moesim
