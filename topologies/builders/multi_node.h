#pragma once
/// Builder: several HGX nodes (topologies/builders/hgx.h, names prefixed "n{node}.", e.g.
/// "n0.gpu3") whose NICs form the scale-out fabric. GPU ranks are node-major: gpus()[node *
/// node.gpus + i] is n{node}.gpu{i}.
///
/// Rail-optimised (kRail): NIC i of every node has a port to switch "rail{i}". GPU i of node a
/// reaches GPU i of node b as gpu -> pcie_sw -> nic -> rail -> nic -> pcie_sw -> gpu. A pair on
/// PCIe switches of different local index crosses NVLink on one side, to a GPU on the PCIe
/// switch of the other side's index (hgx checks NVLink to be cheaper than PCIe, so this beats
/// the host PCIe route, like NCCL's PXN). The two GPUs of a PCIe switch reach both of its NICs
/// at equal cost, so paths come in equal-cost variants (Topology::equal_cost_paths): two NIC
/// choices per side, and NVLink at the source or at the destination. The first variant, which
/// path() returns, takes NVLink at the source and the lower-numbered NIC.
///
/// Fat tree (kFatTree): NIC ports in rank order fill leaves "leaf{l}" of ports_per_leaf ports;
/// every leaf has one duplex link to every spine "spine{s}" of bandwidth
/// ports_per_leaf x nic.bandwidth / oversubscription / spines, so a cross-leaf pair has one
/// equal-cost path per spine (times the NIC variants above).
///
/// Link classes: those of hgx, plus "nic" (NIC <-> rail or leaf) and "fabric" (leaf <-> spine).
/// Fabric links take nic.latency per hop. No "host_switch" is built.

#include <cstdint>

#include "topologies/builders/hgx.h"
#include "topologies/hardware_specs.h"
#include "topologies/topology.h"

namespace moesim {

struct MultiNodeConfig {
  uint32_t nodes = 2;  ///< >= 1
  /// One node; with_nics must be true. Its `nic` spec is not used: the `nic` below is.
  HgxConfig node;
  LinkSpec nic;  ///< NIC <-> first fabric switch, per direction; also the fabric hop latency
  enum class Fabric { kRail, kFatTree } fabric = Fabric::kRail;
  /// Fat tree: when > 0, a leaf holds the NICs of this many whole nodes (ports per leaf =
  /// nodes_per_leaf x node.gpus) and hosts_per_leaf is ignored.
  uint32_t nodes_per_leaf = 0;
  /// Fat tree: NIC ports per leaf when nodes_per_leaf is 0. All NIC ports (nodes x node.gpus)
  /// must fill whole leaves.
  uint32_t hosts_per_leaf = 8;
  /// Fat tree: leaf down-link bandwidth over up-link bandwidth, finite and >= 1.
  double oversubscription = 1.0;
  /// Fat tree: 0 = ports per leaf / oversubscription, rounded, at least 1.
  uint32_t spines = 0;
};

/// Throws std::invalid_argument for a bad config, naming the parameter
/// ("multi_node.node.gpus", "multi_node.oversubscription", ...).
Topology build_multi_node(const MultiNodeConfig& config);

}  // namespace moesim
