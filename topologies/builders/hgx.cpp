#include "topologies/builders/hgx.h"

#include <stdexcept>

#include <fmt/format.h>

#include "topologies/builders/builder_checks.h"

namespace moesim {

void check_hgx_config(const HgxConfig& config, const std::string& what, bool check_nic) {
  using namespace builder_checks;
  require_positive(config.gpus, what + ".gpus");
  require_gpu_count(config.gpus, what + ".gpus");
  require_divisible(config.gpus, what + ".gpus", 2, "GPUs per PCIe switch");
  require_positive(config.cpu_sockets, what + ".cpu_sockets");
  if (config.cpu_sockets > config.gpus / 2) {
    throw std::invalid_argument(fmt::format(
        "{}.cpu_sockets ({}) must not exceed the number of PCIe switches ({} = gpus / 2)", what,
        config.cpu_sockets, config.gpus / 2));
  }
  require_link_spec(config.scale_up, what + ".scale_up");
  require_link_spec(config.host, what + ".host");
  if (config.cpu_sockets > 1)
    require_link_spec(config.cpu_interconnect, what + ".cpu_interconnect");
  if (check_nic && config.with_nics) require_link_spec(config.nic, what + ".nic");
  // Two GPUs on one PCIe switch have a 2-hop PCIe path as well as the 2-hop NVLink one; only a
  // strictly lower NVLink latency makes routing pick NVLink (and PXN over host PCIe).
  if (!(config.scale_up.latency < config.host.latency)) {
    throw std::invalid_argument(fmt::format(
        "{0}.scale_up.latency ({1}) must be below {0}.host.latency ({2}) so that GPU-to-GPU "
        "traffic takes NVLink rather than PCIe",
        what, config.scale_up.latency.to_string(), config.host.latency.to_string()));
  }
}

HgxNode add_hgx_node(Topology& topo, const HgxConfig& config, const std::string& prefix) {
  HgxNode node;
  // GPUs first, so that gpus() lists them in rank order.
  for (uint32_t i = 0; i < config.gpus; ++i) {
    node.gpus.push_back(topo.add_node(fmt::format("{}gpu{}", prefix, i), NodeKind::kGpu));
  }
  node.nvswitch = topo.add_node(prefix + "nvswitch", NodeKind::kSwitch);
  const uint32_t switches = config.gpus / 2;
  std::vector<uint32_t> pcie_sw;
  for (uint32_t k = 0; k < switches; ++k) {
    pcie_sw.push_back(topo.add_node(fmt::format("{}pcie_sw{}", prefix, k), NodeKind::kSwitch));
  }
  for (uint32_t s = 0; s < config.cpu_sockets; ++s) {
    node.cpus.push_back(topo.add_node(fmt::format("{}cpu{}", prefix, s), NodeKind::kCpu));
  }
  if (config.with_nics) {
    for (uint32_t i = 0; i < config.gpus; ++i) {
      node.nics.push_back(topo.add_node(fmt::format("{}nic{}", prefix, i), NodeKind::kNic));
    }
  }

  // NVLink links get the lowest indices, so among equal-cost paths (ordered by link index) the
  // ones that start on NVLink come first.
  const LinkSpec& nv = config.scale_up;
  for (uint32_t gpu : node.gpus) {
    topo.add_duplex_link(gpu, node.nvswitch, "nvlink", "nvlink", nv.bandwidth, nv.latency);
  }
  const LinkSpec& host = config.host;
  for (uint32_t i = 0; i < config.gpus; ++i) {
    topo.add_duplex_link(node.gpus[i], pcie_sw[i / 2], "pcie", "pcie", host.bandwidth,
                         host.latency);
  }
  for (uint32_t k = 0; k < switches; ++k) {
    const uint32_t socket = k * config.cpu_sockets / switches;
    topo.add_duplex_link(pcie_sw[k], node.cpus[socket], "pcie", "pcie", host.bandwidth,
                         host.latency);
  }
  for (uint32_t i = 0; i < node.nics.size(); ++i) {
    topo.add_duplex_link(node.nics[i], pcie_sw[i / 2], "pcie", "pcie", host.bandwidth,
                         host.latency);
  }
  const LinkSpec& qpi = config.cpu_interconnect;
  for (uint32_t a = 0; a < config.cpu_sockets; ++a) {
    for (uint32_t b = a + 1; b < config.cpu_sockets; ++b) {
      topo.add_duplex_link(node.cpus[a], node.cpus[b], "cpu-interconnect", "cpu-interconnect",
                           qpi.bandwidth, qpi.latency);
    }
  }
  return node;
}

Topology build_hgx(const HgxConfig& config) {
  check_hgx_config(config, "hgx", true);
  Topology topo;
  const HgxNode node = add_hgx_node(topo, config, "");
  if (config.with_nics) {
    const uint32_t host_switch = topo.add_node("host_switch", NodeKind::kSwitch);
    for (uint32_t nic : node.nics) {
      topo.add_duplex_link(nic, host_switch, "nic", "nic", config.nic.bandwidth,
                           config.nic.latency);
    }
  }
  return topo;
}

}  // namespace moesim
