#include "topologies/builders/multi_node.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "topologies/builders/builder_checks.h"

namespace moesim {

namespace {

struct FatTreeShape {
  uint32_t ports_per_leaf = 0;
  uint32_t leaves = 0;
  uint32_t spines = 0;
};

FatTreeShape check_config(const MultiNodeConfig& config) {
  using namespace builder_checks;
  require_positive(config.nodes, "multi_node.nodes");
  check_hgx_config(config.node, "multi_node.node", false);
  // Before anything is counted in 32 bits or allocated.
  require_gpu_count(uint64_t{config.nodes} * config.node.gpus,
                    "multi_node.nodes x multi_node.node.gpus");
  if (!config.node.with_nics) {
    throw std::invalid_argument(
        "multi_node.node.with_nics must be true: nodes reach each other through their NICs");
  }
  require_link_spec(config.nic, "multi_node.nic");
  FatTreeShape shape;
  if (config.fabric != MultiNodeConfig::Fabric::kFatTree) return shape;

  const uint32_t ports = config.nodes * config.node.gpus;
  if (config.nodes_per_leaf > 0) {
    shape.ports_per_leaf = config.nodes_per_leaf * config.node.gpus;
    require_divisible(config.nodes, "multi_node.nodes", config.nodes_per_leaf,
                      "multi_node.nodes_per_leaf");
  } else {
    require_positive(config.hosts_per_leaf, "multi_node.hosts_per_leaf");
    shape.ports_per_leaf = config.hosts_per_leaf;
    require_divisible(ports, "NIC ports (multi_node.nodes x multi_node.node.gpus)",
                      config.hosts_per_leaf, "multi_node.hosts_per_leaf");
  }
  shape.leaves = ports / shape.ports_per_leaf;
  if (!(config.oversubscription >= 1.0) || !std::isfinite(config.oversubscription)) {
    throw std::invalid_argument(
        fmt::format("multi_node.oversubscription must be finite and at least 1 (got {})",
                    config.oversubscription));
  }
  shape.spines = config.spines;
  if (shape.spines == 0) {
    const double auto_spines = std::round(shape.ports_per_leaf / config.oversubscription);
    shape.spines = std::max<uint32_t>(1, static_cast<uint32_t>(auto_spines));
  }
  // Automatic spines give at most one up-link per NIC port; a given number may give more.
  if (uint64_t{shape.leaves} * shape.spines > kMaxGpus) {
    throw std::invalid_argument(fmt::format(
        "multi_node.spines ({}) x {} leaves gives {} leaf-to-spine links; expected at most {}",
        shape.spines, shape.leaves, uint64_t{shape.leaves} * shape.spines, kMaxGpus));
  }
  return shape;
}

}  // namespace

Topology build_multi_node(const MultiNodeConfig& config) {
  const FatTreeShape shape = check_config(config);
  Topology topo;
  std::vector<uint32_t> nics;  // rank order
  for (uint32_t n = 0; n < config.nodes; ++n) {
    const HgxNode node = add_hgx_node(topo, config.node, fmt::format("n{}.", n));
    nics.insert(nics.end(), node.nics.begin(), node.nics.end());
  }
  const LinkSpec& nic = config.nic;

  if (config.fabric == MultiNodeConfig::Fabric::kRail) {
    std::vector<uint32_t> rails;
    for (uint32_t i = 0; i < config.node.gpus; ++i) {
      rails.push_back(topo.add_node(fmt::format("rail{}", i), NodeKind::kSwitch));
    }
    for (uint32_t p = 0; p < nics.size(); ++p) {
      topo.add_duplex_link(nics[p], rails[p % config.node.gpus], "nic", "nic", nic.bandwidth,
                           nic.latency);
    }
    return topo;
  }

  std::vector<uint32_t> leaves;
  std::vector<uint32_t> spines;
  for (uint32_t l = 0; l < shape.leaves; ++l) {
    leaves.push_back(topo.add_node(fmt::format("leaf{}", l), NodeKind::kSwitch));
  }
  for (uint32_t s = 0; s < shape.spines; ++s) {
    spines.push_back(topo.add_node(fmt::format("spine{}", s), NodeKind::kSwitch));
  }
  for (uint32_t p = 0; p < nics.size(); ++p) {
    topo.add_duplex_link(nics[p], leaves[p / shape.ports_per_leaf], "nic", "nic", nic.bandwidth,
                         nic.latency);
  }
  // A leaf's up-links together carry its ports' bandwidth divided by the oversubscription.
  const double uplink = shape.ports_per_leaf * nic.bandwidth / config.oversubscription /
                        static_cast<double>(shape.spines);
  for (uint32_t leaf : leaves) {
    for (uint32_t spine : spines) {
      topo.add_duplex_link(leaf, spine, "fabric", "fabric", uplink, nic.latency);
    }
  }
  return topo;
}

}  // namespace moesim
