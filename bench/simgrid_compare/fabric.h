#pragma once
/// The platform and flows that both simulators are given, described once.
///
/// A fabric is a tree: hosts are leaves, switches inner nodes, and every non-root node has one
/// duplex link to its parent (a split-duplex link in SimGrid). The route between two hosts is
/// up from the sender to their lowest common ancestor, then down. The flow set is an
/// all-to-all: every host sends `bytes` to every other host, all starting at t = 0.

#include <cstdint>
#include <string>
#include <vector>

namespace moesim::compare {

struct FabricNode {
  std::string name;
  int32_t parent = -1;     ///< index of the parent node, -1 for the root
  bool host = false;       ///< a rank (leaf) rather than a switch
  double bandwidth = 0.0;  ///< bytes/s per direction of the link to the parent
  int64_t latency_ps = 0;  ///< latency of the link to the parent, picoseconds
};

struct Fabric {
  std::string topology;  ///< "star" or "fattree"
  std::vector<FabricNode> nodes;
  std::vector<uint32_t> hosts;  ///< node index of each rank, in rank order
  double bytes = 0.0;           ///< per ordered pair of ranks
  /// Completion time from a closed form (us), or a negative value where none is known.
  double analytic_us = -1.0;

  size_t flow_count() const { return hosts.size() * (hosts.size() - 1); }
};

/// Figures of the issue: 50 GB/s host links, 1 us latency per host link, 1 MiB per pair.
constexpr double kHostBandwidth = 50e9;         // bytes/s
constexpr int64_t kHostLatencyPs = 1'000'000;   // 1 us
constexpr double kPairBytes = 1024.0 * 1024.0;  // 1 MiB
constexpr uint32_t kHostsPerLeaf = 8;           // fat-tree leaf size

/// Every rank on its own link to one switch.
Fabric make_star(uint32_t ranks);
/// Ranks in leaves of kHostsPerLeaf under one core switch. A leaf's link to the core carries
/// half its hosts' total bandwidth (2:1) and has zero latency, so every route between two
/// hosts has the same latency (2 us): SimGrid 3.32 weights sharing by route latency, and
/// equal latencies keep its answer plain max-min.
Fabric make_fat_tree(uint32_t ranks);

/// The links of the route from host node `src` to host node `dst` as (node, up) pairs: the
/// link between `node` and its parent, crossed upwards (child to parent) or downwards.
std::vector<std::pair<uint32_t, bool>> tree_route(const Fabric& fabric, uint32_t src, uint32_t dst);

/// Result of one simulator on one fabric.
struct SideResult {
  bool ok = false;
  double completion_us = 0.0;  ///< when the last flow finished, simulated
  double setup_s = 0.0;        ///< wall: platform, routes and flows created
  double run_s = 0.0;          ///< wall: the simulation run itself
  uint64_t flows_done = 0;
  double wall_s() const { return setup_s + run_s; }
};

SideResult run_moesim(const Fabric& fabric);
/// Runs SimGrid in a forked child: SimGrid 3.32 allows one Engine per process.
SideResult run_simgrid(const Fabric& fabric);
/// Which SimGrid and which API form are timed, for the output header.
std::string simgrid_description();

}  // namespace moesim::compare
