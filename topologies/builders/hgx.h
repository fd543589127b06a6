#pragma once
/// Builder: one HGX-style node. Every GPU has one NVLink to a single "nvswitch" vertex, which
/// stands for the whole NVSwitch fabric (non-blocking), so GPU to GPU is two hops of
/// scale_up. On the host side there is one PCIe switch per two GPUs ("pcie_sw{k}" holds gpu{2k},
/// gpu{2k+1}, nic{2k}, nic{2k+1}); switch k hangs off socket k * cpu_sockets / (gpus / 2), and
/// the sockets are fully meshed. With NICs, each NIC also has a port to "host_switch", the
/// node's first network switch. Vertex ids: gpu{i} is vertex i.
///
/// Link classes: "nvlink" (GPU <-> nvswitch), "pcie" (GPU/NIC <-> switch, switch <-> socket),
/// "cpu-interconnect" (socket <-> socket), "nic" (NIC <-> host_switch). All links are duplex.

#include <cstdint>
#include <string>
#include <vector>

#include "topologies/hardware_specs.h"
#include "topologies/topology.h"

namespace moesim {

struct HgxConfig {
  uint32_t gpus = 8;  ///< >= 2 and even (one PCIe switch per two GPUs)
  /// GPU <-> NVSwitch, per GPU per direction. Its latency must be below host.latency, so that
  /// GPU-to-GPU traffic prefers NVLink to a PCIe switch (routing is latency-first).
  LinkSpec scale_up;
  LinkSpec host;              ///< every PCIe link
  LinkSpec nic;               ///< NIC <-> host_switch; only with with_nics
  uint32_t cpu_sockets = 2;   ///< 1 .. gpus / 2 (every socket gets a PCIe switch)
  LinkSpec cpu_interconnect;  ///< socket <-> socket; only with more than one socket
  bool with_nics = true;      ///< one NIC per GPU
};

/// The vertices of one HGX node inside a topology.
struct HgxNode {
  std::vector<uint32_t> gpus;  ///< local index order
  std::vector<uint32_t> nics;  ///< nics[i] sits on gpus[i]'s PCIe switch; empty without NICs
  std::vector<uint32_t> cpus;
  uint32_t nvswitch = 0;
};

/// Throws std::invalid_argument for a bad config; parameter names start with `what` ("hgx").
/// The `nic` spec is checked only when `check_nic` is set (multi_node uses its own).
void check_hgx_config(const HgxConfig& config, const std::string& what, bool check_nic);

/// Adds one node's GPUs (first, in local order), NVSwitch, PCIe switches, sockets and (with
/// with_nics) NICs, every name prefixed with `prefix` ("n0." gives "n0.gpu3"). Does not check
/// the config and connects the NICs to no network switch.
HgxNode add_hgx_node(Topology& topo, const HgxConfig& config, const std::string& prefix);

/// One node as described above. Throws std::invalid_argument for a bad config.
Topology build_hgx(const HgxConfig& config);

}  // namespace moesim
