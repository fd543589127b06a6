#include <stdexcept>

#include <fmt/format.h>

#include "topologies/builders/hgx.h"
#include "topologies/builders/multi_node.h"
#include "topologies/builders/nvl72.h"
#include "topologies/builders/pcie_host.h"
#include "topologies/builders/single_switch.h"
#include "topologies/system_config.h"

namespace moesim {
namespace {

const GpuSpec& require_gpu(const SystemConfig& c, const HardwareCatalogue& catalogue) {
  if (c.gpu.empty()) {
    throw std::invalid_argument(fmt::format("system '{}': no GPU named", c.name));
  }
  return catalogue.gpu(c.gpu);
}

const LinkSpec& scale_up_of(const SystemConfig& c, const GpuSpec& gpu,
                            const HardwareCatalogue& catalogue) {
  if (gpu.scale_up_link.empty()) {
    throw std::invalid_argument(fmt::format(
        "system '{}': builder {} needs a scale-up link, and GPU {} has none (use pcie_host)",
        c.name, c.builder, gpu.name));
  }
  return catalogue.link(gpu.scale_up_link);
}

/// Socket-to-socket link: the configured one, else UPI of a Sapphire Rapids host.
const LinkSpec& cpu_link_of(const SystemConfig& c, const HardwareCatalogue& catalogue) {
  return catalogue.link(c.cpu_interconnect.empty() ? "upi_sapphire_rapids" : c.cpu_interconnect);
}

HgxConfig hgx_config(const SystemConfig& c, const HardwareCatalogue& catalogue) {
  const GpuSpec& gpu = require_gpu(c, catalogue);
  HgxConfig h;
  h.gpus = c.gpus;
  h.scale_up = scale_up_of(c, gpu, catalogue);
  h.host = catalogue.link(gpu.host_link);
  h.with_nics = !c.nic_link.empty() || c.builder == "multi_node";
  if (h.with_nics) h.nic = catalogue.link(c.nic_link.empty() ? "infiniband_ndr" : c.nic_link);
  h.cpu_sockets = c.cpu_sockets;
  h.cpu_interconnect = cpu_link_of(c, catalogue);
  return h;
}

uint32_t vertex_named(const Topology& topology, const std::string& name) {
  const auto v = topology.find_node(name);
  if (!v) throw std::logic_error("builder did not create vertex " + name);
  return *v;
}

}  // namespace

BuiltSystem build_system(const SystemConfig& c, const HardwareCatalogue& catalogue) {
  BuiltSystem built;
  if (c.builder == "single_switch") {
    built.topology =
        build_single_switch(SingleSwitchConfig{c.gpus, c.link_bandwidth, c.hop_latency});
    if (c.switch_reduction) built.reduction_switch = vertex_named(built.topology, "switch");
  } else if (c.builder == "hgx") {
    built.topology = build_hgx(hgx_config(c, catalogue));
    if (c.switch_reduction) built.reduction_switch = vertex_named(built.topology, "nvswitch");
  } else if (c.builder == "pcie_host") {
    const GpuSpec& gpu = require_gpu(c, catalogue);
    built.topology = build_pcie_host(PcieHostConfig{c.gpus, c.gpus_per_switch, c.cpu_sockets,
                                                    catalogue.link(gpu.host_link),
                                                    cpu_link_of(c, catalogue), c.p2p});
    if (c.switch_reduction) {
      throw std::invalid_argument(fmt::format(
          "system '{}': switch_reduction needs an NVLink switch; pcie_host has none", c.name));
    }
  } else if (c.builder == "nvl72") {
    const GpuSpec& gpu = require_gpu(c, catalogue);
    Nvl72Config n;
    n.gpus = c.gpus;
    n.scale_up = scale_up_of(c, gpu, catalogue);
    n.c2c = catalogue.link(gpu.host_link);
    built.topology = build_nvl72(n);
    if (c.switch_reduction) built.reduction_switch = vertex_named(built.topology, "nvswitch");
  } else if (c.builder == "multi_node") {
    MultiNodeConfig m;
    m.nodes = c.nodes;
    m.node = hgx_config(c, catalogue);
    m.nic = catalogue.link(c.nic_link.empty() ? "infiniband_ndr" : c.nic_link);
    m.fabric =
        c.fabric == "fat_tree" ? MultiNodeConfig::Fabric::kFatTree : MultiNodeConfig::Fabric::kRail;
    m.hosts_per_leaf = c.hosts_per_leaf;
    m.oversubscription = c.oversubscription;
    built.topology = build_multi_node(m);
    if (c.switch_reduction) {
      throw std::invalid_argument(fmt::format(
          "system '{}': switch_reduction spans one NVLink domain; multi_node has several", c.name));
    }
  } else if (c.builder == "explicit") {
    built.topology = build_explicit(c.explicit_graph);
    if (c.switch_reduction) {
      throw std::invalid_argument(fmt::format(
          "system '{}': switch_reduction is not available on an explicit graph", c.name));
    }
  } else {
    throw std::invalid_argument(fmt::format("unknown topology builder '{}'", c.builder));
  }
  return built;
}

const std::vector<BuilderDescription>& topology_builders() {
  static const std::vector<BuilderDescription> builders = {
      {"single_switch",
       "N GPUs, each with one duplex link to one switch",
       {"gpus (8): GPUs", "link_bandwidth (required): per GPU per direction",
        "hop_latency (required): per link", "switch_reduction (false): the switch reduces"}},
      {"hgx",
       "one HGX node: GPUs on NVSwitch (GPU scale-up link), PCIe switches per 2 GPUs under CPU "
       "sockets, one NIC per GPU",
       {"gpu (required): catalogue GPU with a scale-up link", "gpus (8): even", "cpu_sockets (2)",
        "cpu_interconnect (upi_sapphire_rapids): catalogue link",
        "nic_link (none): catalogue link of each GPU's NIC",
        "switch_reduction (false): NVSwitch reduces in-network (NVLink SHARP)"}},
      {"pcie_host",
       "GPUs on PCIe switches under CPU sockets, no NVLink",
       {"gpu (required): catalogue GPU; its host link is every PCIe link", "gpus (8)",
        "gpus_per_switch (2)", "cpu_sockets (2)",
        "cpu_interconnect (upi_sapphire_rapids): catalogue link",
        "p2p (true): GPUs under one switch talk through it; false sends all traffic via the CPU"}},
      {"nvl72",
       "one NVLink domain of up to 72 GPUs, Grace CPUs over C2C (never forwarding GPU traffic)",
       {"gpu (required): catalogue GPU", "gpus (72)",
        "switch_reduction (false): the NVLink switches reduce in-network"}},
      {"multi_node",
       "HGX nodes joined by a scale-out fabric: rail-optimised or a two-level fat tree",
       {"gpu (required)", "gpus (8): per node", "nodes (1)",
        "nic_link (infiniband_ndr): catalogue link of each GPU's NIC",
        "fabric (rail): rail | fat_tree", "hosts_per_leaf (8): fat tree NIC ports per leaf",
        "oversubscription (1): fat tree leaf down/up bandwidth ratio"}},
      {"explicit",
       "a graph written out: graph.nodes (name, kind gpu|cpu|nic|switch) and graph.links "
       "(from, to, a catalogue link or bandwidth and latency, class, duplex)",
       {"gpu (required): catalogue GPU of every gpu node", "graph.nodes (required): list",
        "graph.links (required): list; duplex (true) adds the reverse link"}},
  };
  return builders;
}

}  // namespace moesim
