#pragma once
/// The hardware topology as a directed graph: vertices are devices and switches, edges are
/// links with a bandwidth and a latency. Paths minimise the weight
/// `latency in ps x 1024 + 1 per link`, i.e. latency first and fewest hops on ties. All paths of
/// minimal weight (equal-cost multi-path, ECMP) are computed per (src, dst) pair on first use
/// (topologies/path_finder.h: a Dijkstra search, then an enumeration over the pair's
/// shortest-path DAG) and cached until the graph changes, so a large machine pays only for the
/// pairs that are asked for.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sim/network_model.h"
#include "sim/time.h"
#include "topologies/path_finder.h"

namespace moesim {

/// kMemory is memory that is not a device's own: host DRAM, or a near-data (CXL) device.
enum class NodeKind : uint8_t { kGpu, kCpu, kNic, kSwitch, kMemory };

const char* to_string(NodeKind kind);

struct TopologyNode {
  std::string name;
  NodeKind kind;
  /// Whether paths may pass through this vertex. A non-transit vertex is only ever the first or
  /// last vertex of a path (e.g. a CPU that does not forward GPU-to-GPU traffic).
  bool transit = true;
};

struct TopologyLink {
  uint32_t from;
  uint32_t to;
  LinkConfig config;
};

class Topology {
 public:
  /// Most equal-cost paths kept per (src, dst) pair; the lexicographically first ones are kept.
  static constexpr size_t kMaxEqualCostPaths = 64;

  /// Adds a vertex; `transit` false means no path crosses it (see TopologyNode::transit).
  /// Throws std::invalid_argument on a duplicate or empty name, or one that contains "->"
  /// (link names are "from->to").
  uint32_t add_node(const std::string& name, NodeKind kind, bool transit = true);

  /// Adds a directed link named "from->to". Throws std::invalid_argument for unknown vertices,
  /// a non-positive bandwidth, a negative latency, or a second link between the same pair.
  uint32_t add_link(uint32_t from, uint32_t to, const std::string& link_class, double bandwidth,
                    Time latency);

  /// Adds one link in each direction with the same figures.
  void add_duplex_link(uint32_t a, uint32_t b, const std::string& class_ab,
                       const std::string& class_ba, double bandwidth, Time latency);

  /// The links (indices into links()) from `src` to `dst`: the first of equal_cost_paths(), so
  /// deterministic. Throws std::invalid_argument if no path exists, naming both ends.
  /// src == dst gives an empty path. References stay valid until the graph changes.
  const std::vector<uint32_t>& path(uint32_t src, uint32_t dst) const;

  /// The ECMP choice for one flow: equal_cost_paths(src, dst)[flow_hash % count]. Throws like
  /// path().
  const std::vector<uint32_t>& path(uint32_t src, uint32_t dst, uint64_t flow_hash) const;

  /// The path of a flow between two endpoints: the ECMP choice by a hash of (src, dst), as
  /// switches hash a flow's addresses. Every flow of the pair takes the same path.
  const std::vector<uint32_t>& flow_path(uint32_t src, uint32_t dst) const;

  /// Every path of minimal weight from `src` to `dst`, at most kMaxEqualCostPaths, sorted
  /// lexicographically by link index (so the order only depends on the graph). Never empty:
  /// src == dst gives one empty path. Throws std::invalid_argument if no path exists, naming
  /// both ends.
  const std::vector<std::vector<uint32_t>>& equal_cost_paths(uint32_t src, uint32_t dst) const;

  /// Throws std::invalid_argument naming the first ordered pair of GPUs (in gpus() order) with
  /// no path from the first to the second.
  void require_gpus_connected() const;

  /// Registers every link with the network in index order, so LinkId == link index.
  void install(NetworkModel& network) const;

  /// The vertex with this name, or nullopt.
  std::optional<uint32_t> find_node(const std::string& name) const;

  const std::vector<TopologyNode>& nodes() const { return nodes_; }
  const std::vector<TopologyLink>& links() const { return links_; }
  /// The GPU vertices in the order they were added (rank order).
  const std::vector<uint32_t>& gpus() const { return gpus_; }

 private:
  // The path cache, loaded with the graph when it is not.
  PathFinder& paths() const;
  void invalidate_paths();
  // Throw std::invalid_argument: a vertex id out of range; no path, naming both ends.
  void require_vertices(uint32_t src, uint32_t dst) const;
  [[noreturn]] void throw_no_path(uint32_t src, uint32_t dst) const;

  std::vector<TopologyNode> nodes_;
  std::vector<TopologyLink> links_;
  std::vector<uint32_t> gpus_;
  std::unordered_map<std::string, uint32_t> node_by_name_;
  std::unordered_set<uint64_t> link_ends_;  // from << 32 | to of every link
  mutable PathFinder paths_{kMaxEqualCostPaths};
};

}  // namespace moesim
