#include "topologies/builders/pcie_host.h"

#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "topologies/builders/builder_checks.h"

namespace moesim {

namespace {

void check_config(const PcieHostConfig& config) {
  using namespace builder_checks;
  require_positive(config.gpus, "pcie_host.gpus");
  require_gpu_count(config.gpus, "pcie_host.gpus");
  require_positive(config.gpus_per_switch, "pcie_host.gpus_per_switch");
  require_divisible(config.gpus, "pcie_host.gpus", config.gpus_per_switch,
                    "pcie_host.gpus_per_switch");
  require_positive(config.cpu_sockets, "pcie_host.cpu_sockets");
  const uint32_t switches = config.gpus / config.gpus_per_switch;
  if (config.cpu_sockets > switches) {
    throw std::invalid_argument(
        fmt::format("pcie_host.cpu_sockets ({}) must not exceed the number of PCIe switches ({})",
                    config.cpu_sockets, switches));
  }
  require_link_spec(config.host, "pcie_host.host");
  if (config.cpu_sockets > 1) {
    require_link_spec(config.cpu_interconnect, "pcie_host.cpu_interconnect");
  }
}

}  // namespace

Topology build_pcie_host(const PcieHostConfig& config) {
  check_config(config);
  Topology topo;
  for (uint32_t i = 0; i < config.gpus; ++i) {
    topo.add_node(fmt::format("gpu{}", i), NodeKind::kGpu);
  }
  const uint32_t switches = config.gpus / config.gpus_per_switch;
  std::vector<uint32_t> up;    // the switch vertex traffic towards the socket crosses
  std::vector<uint32_t> down;  // the one traffic from the socket crosses (== up with p2p)
  for (uint32_t k = 0; k < switches; ++k) {
    up.push_back(topo.add_node(fmt::format("pcie_sw{}", k), NodeKind::kSwitch));
    down.push_back(config.p2p ? up.back()
                              : topo.add_node(fmt::format("pcie_sw{}_down", k), NodeKind::kSwitch));
  }
  std::vector<uint32_t> cpus;
  for (uint32_t s = 0; s < config.cpu_sockets; ++s) {
    cpus.push_back(topo.add_node(fmt::format("cpu{}", s), NodeKind::kCpu));
  }

  const double bw = config.host.bandwidth;
  const Time lat = config.host.latency;
  // A duplex link with p2p; two one-way links through the two switch halves without.
  for (uint32_t i = 0; i < config.gpus; ++i) {
    const uint32_t k = i / config.gpus_per_switch;
    topo.add_link(i, up[k], "pcie", bw, lat);
    topo.add_link(down[k], i, "pcie", bw, lat);
  }
  for (uint32_t k = 0; k < switches; ++k) {
    const uint32_t cpu = cpus[k * config.cpu_sockets / switches];
    topo.add_link(up[k], cpu, "pcie", bw, lat);
    topo.add_link(cpu, down[k], "pcie", bw, lat);
  }
  const LinkSpec& qpi = config.cpu_interconnect;
  for (uint32_t a = 0; a < config.cpu_sockets; ++a) {
    for (uint32_t b = a + 1; b < config.cpu_sockets; ++b) {
      topo.add_duplex_link(cpus[a], cpus[b], "cpu-interconnect", "cpu-interconnect", qpi.bandwidth,
                           qpi.latency);
    }
  }
  return topo;
}

}  // namespace moesim
