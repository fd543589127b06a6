#pragma once
/// A machine as a scenario or systems.yaml describes it: a topology builder, catalogue parts
/// and builder parameters, plus the communication calibration of that machine. Plain values;
/// topologies/system_loader.cpp fills it from YAML and build_system turns it into a Topology.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/time.h"
#include "topologies/builders/explicit.h"
#include "topologies/comm_calibration.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/topology.h"

namespace moesim {

struct SystemConfig {
  std::string name;         ///< systems.yaml key, or "" for one described inline
  std::string description;  ///< one line for listings
  /// single_switch | hgx | pcie_host | nvl72 | multi_node | explicit
  std::string builder = "hgx";
  std::string gpu;                ///< catalogue GPU key
  uint32_t gpus = 8;              ///< GPUs per node
  uint32_t nodes = 1;             ///< multi_node only
  uint32_t cpu_sockets = 2;       ///< hgx, pcie_host
  std::string cpu_interconnect;   ///< catalogue link between sockets ("" = default upi)
  uint32_t gpus_per_switch = 2;   ///< pcie_host: GPUs under one PCIe switch
  bool p2p = true;                ///< pcie_host: GPUs talk through their PCIe switch
  std::string nic_link;           ///< hgx, multi_node: catalogue link of each GPU's NIC
  std::string fabric = "rail";    ///< multi_node: rail | fat_tree
  uint32_t hosts_per_leaf = 8;    ///< multi_node fat_tree: NIC ports per leaf switch
  double oversubscription = 1.0;  ///< multi_node fat_tree: leaf down/up bandwidth ratio, >= 1
  double link_bandwidth = 0.0;    ///< single_switch: bytes/s per GPU per direction
  Time hop_latency;               ///< single_switch: per link
  bool switch_reduction = false;  ///< the scale-up switch reduces in-network (NVLink SHARP)
  ExplicitConfig explicit_graph;  ///< explicit builder: the nodes and links as written
  CommCalibration comm;
  /// `measured: {comm: PATH}`: the nccl-tests table measured on this machine (the format is in
  /// docs/validation.md), resolved against the folder of the file that names it; "" when none.
  /// Validation data only: no simulation reads it.
  std::filesystem::path comm_table;
};

/// A built machine: the graph, its GPUs in rank order (topology.gpus()), and the vertex that
/// reduces in-network (UINT32_MAX when none).
struct BuiltSystem {
  Topology topology;
  uint32_t reduction_switch = UINT32_MAX;
};

/// Builds the topology. Throws std::invalid_argument naming the bad parameter or the unknown
/// catalogue entry.
BuiltSystem build_system(const SystemConfig& config, const HardwareCatalogue& catalogue);

/// Builder names with one-line descriptions and their parameters, for `moesim list topology`.
struct BuilderDescription {
  std::string name;
  std::string description;
  std::vector<std::string> parameters;  ///< "name (default): meaning"
};
const std::vector<BuilderDescription>& topology_builders();

}  // namespace moesim
