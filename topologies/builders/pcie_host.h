#pragma once
/// Builder: a PCIe server without NVLink. GPUs sit on PCIe switches ("pcie_sw{k}" holds GPUs
/// k * gpus_per_switch ..), switch k hangs off socket k * cpu_sockets / switches, and the
/// sockets are fully meshed by cpu_interconnect. Vertex ids: gpu{i} is vertex i.
///
/// With p2p, a switch forwards between its own GPUs: gpu -> pcie_sw -> gpu (2 hops); other pairs
/// cross the socket (4 hops) and, across sockets, the interconnect (5 hops).
///
/// Without p2p (ACS redirecting peer traffic to the root complex) a switch cannot turn traffic
/// around. It is modelled as two vertices: "pcie_sw{k}" carries the upstream direction
/// (GPU -> pcie_sw{k} -> cpu) and "pcie_sw{k}_down" the downstream one
/// (cpu -> pcie_sw{k}_down -> GPU), each hop one directed link. So every GPU-to-GPU path
/// crosses a cpu vertex (4 hops, 5 across sockets) and still shares the GPU's own link and the
/// switch uplink in each direction with the other GPUs of the switch.
///
/// Link classes: "pcie", "cpu-interconnect". Links are duplex except the p2p-off halves above.

#include <cstdint>

#include "topologies/hardware_specs.h"
#include "topologies/topology.h"

namespace moesim {

struct PcieHostConfig {
  uint32_t gpus = 8;             ///< >= 1, a multiple of gpus_per_switch
  uint32_t gpus_per_switch = 2;  ///< >= 1
  uint32_t cpu_sockets = 2;      ///< 1 .. number of switches
  LinkSpec host;                 ///< every PCIe link (GPU <-> switch, switch <-> socket)
  LinkSpec cpu_interconnect;     ///< socket <-> socket; only with more than one socket
  bool p2p = true;               ///< whether a switch forwards between its own GPUs
};

/// Throws std::invalid_argument for a bad config, naming the parameter ("pcie_host.gpus").
Topology build_pcie_host(const PcieHostConfig& config);

}  // namespace moesim
