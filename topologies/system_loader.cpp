#include "topologies/system_loader.h"

#include <algorithm>

#include <fmt/format.h>

#include "topologies/builders/builder_checks.h"

namespace moesim {
namespace {

constexpr const char* kBuilders[] = {"single_switch", "hgx",        "pcie_host",
                                     "nvl72",         "multi_node", "explicit"};

std::string catalogue_link(YamlMap& m, const std::string& key, const HardwareCatalogue& c) {
  const std::string name = m.get_string(key);
  if (!c.has_link(name)) {
    m.fail(key,
           fmt::format("unknown link \"{}\" (links.yaml has: {})", name, joined_names(c.links())));
  }
  return name;
}

void read_comm(YamlMap m, CommCalibration& comm) {
  if (m.has("protocols")) {
    YamlMap protocols = m.get_map("protocols");
    comm.protocols.clear();
    for (const std::string& name : protocols.keys()) {
      YamlMap p = protocols.get_map(name);
      CommProtocol protocol;
      protocol.name = name;
      protocol.base_latency = p.get_time("base_latency");
      protocol.step_latency = p.get_time("step_latency");
      protocol.bandwidth_efficiency = p.get_double("bandwidth_efficiency", 1e-3, 1.0);
      if (p.has("switch_reduce")) protocol.switch_reduce = p.get_bool("switch_reduce");
      p.finish();
      comm.protocols.push_back(protocol);
    }
    if (comm.protocols.empty()) protocols.fail_here("expected at least one protocol");
    protocols.finish();
  }
  if (m.has("switch_reduce_efficiency")) {
    comm.switch_reduce_efficiency = m.get_double("switch_reduce_efficiency", 1e-3, 1.0);
  }
  if (m.has("fitted_on")) comm.fitted_on = m.get_string("fitted_on");
  m.finish();
}

/// `graph: {nodes: [...], links: [...]}` of an explicit builder. A link takes its figures from a
/// catalogue link
/// (`link:`), or from `bandwidth:` and `latency:`; `class:` names its trace lane.
void read_explicit_graph(YamlMap m, ExplicitConfig& graph, const HardwareCatalogue& catalogue) {
  graph = {};
  for (YamlMap& n : m.get_map_list("nodes")) {
    ExplicitNode node;
    node.name = n.get_string("name");
    const std::string kind = n.get_string("kind");
    if (kind == "gpu") {
      node.kind = NodeKind::kGpu;
    } else if (kind == "cpu") {
      node.kind = NodeKind::kCpu;
    } else if (kind == "nic") {
      node.kind = NodeKind::kNic;
    } else if (kind == "switch") {
      node.kind = NodeKind::kSwitch;
    } else if (kind == "memory") {
      node.kind = NodeKind::kMemory;
    } else {
      n.fail("kind", fmt::format("expected gpu, cpu, nic, switch or memory, got \"{}\"", kind));
    }
    n.finish();
    graph.nodes.push_back(node);
  }
  for (YamlMap& l : m.get_map_list("links")) {
    ExplicitLink link;
    link.from = l.get_string("from");
    link.to = l.get_string("to");
    if (l.has("link")) {
      const LinkSpec& spec = catalogue.link(catalogue_link(l, "link", catalogue));
      link.bandwidth = spec.bandwidth;
      link.latency = spec.latency;
      link.link_class = spec.kind;
    }
    if (l.has("bandwidth")) link.bandwidth = l.get_bandwidth("bandwidth");
    if (l.has("latency")) link.latency = l.get_time("latency");
    if (l.has("class")) link.link_class = l.get_string("class");
    if (l.has("duplex")) link.duplex = l.get_bool("duplex");
    if (link.bandwidth <= 0.0) l.fail_here("give a catalogue 'link' or a 'bandwidth'");
    if (link.link_class.empty()) link.link_class = "link";
    l.finish();
    graph.links.push_back(link);
  }
  m.finish();
}

}  // namespace

void read_system_keys(YamlMap& m, SystemConfig& c, const HardwareCatalogue& catalogue) {
  if (m.has("description")) c.description = m.get_string("description");
  if (m.has("builder")) {
    c.builder = m.get_string("builder");
    if (std::find(std::begin(kBuilders), std::end(kBuilders), c.builder) == std::end(kBuilders)) {
      m.fail("builder", fmt::format("unknown topology builder \"{}\" (known: {})", c.builder,
                                    fmt::join(kBuilders, ", ")));
    }
  }
  if (m.has("gpu")) {
    c.gpu = m.get_string("gpu");
    if (!catalogue.has_gpu(c.gpu)) {
      m.fail("gpu", fmt::format("unknown GPU \"{}\" (gpus.yaml has: {})", c.gpu,
                                joined_names(catalogue.gpus())));
    }
  }
  if (m.has("gpus")) c.gpus = static_cast<uint32_t>(m.get_uint("gpus", 1, 1 << 16));
  if (m.has("nodes")) c.nodes = static_cast<uint32_t>(m.get_uint("nodes", 1, 1 << 16));
  if (m.has("cpu_sockets")) c.cpu_sockets = static_cast<uint32_t>(m.get_uint("cpu_sockets", 1, 16));
  if (m.has("cpu_interconnect"))
    c.cpu_interconnect = catalogue_link(m, "cpu_interconnect", catalogue);
  if (m.has("gpus_per_switch")) {
    c.gpus_per_switch = static_cast<uint32_t>(m.get_uint("gpus_per_switch", 1, 1 << 16));
  }
  if (m.has("p2p")) c.p2p = m.get_bool("p2p");
  if (m.has("nic_link")) c.nic_link = catalogue_link(m, "nic_link", catalogue);
  if (m.has("fabric")) {
    c.fabric = m.get_string("fabric");
    if (c.fabric != "rail" && c.fabric != "fat_tree") {
      m.fail("fabric", fmt::format("expected rail or fat_tree, got \"{}\"", c.fabric));
    }
  }
  if (m.has("hosts_per_leaf")) {
    c.hosts_per_leaf = static_cast<uint32_t>(m.get_uint("hosts_per_leaf", 1, 1 << 16));
  }
  if (m.has("oversubscription")) c.oversubscription = m.get_double("oversubscription", 1.0, 1e3);
  // The builder refuses this too; checked here as well to name the key that was written.
  const uint64_t all_gpus = uint64_t{c.gpus} * c.nodes;
  if (c.builder == "multi_node" && all_gpus > builder_checks::kMaxGpus) {
    m.fail(m.has("nodes") ? "nodes" : "gpus",
           fmt::format("expected at most {} GPUs in all (nodes x gpus), got {} ({} x {})",
                       builder_checks::kMaxGpus, all_gpus, c.nodes, c.gpus));
  }
  if (m.has("link_bandwidth")) c.link_bandwidth = m.get_bandwidth("link_bandwidth");
  if (m.has("hop_latency")) c.hop_latency = m.get_time("hop_latency");
  if (m.has("switch_reduction")) c.switch_reduction = m.get_bool("switch_reduction");
  if (m.has("comm")) read_comm(m.get_map("comm"), c.comm);
  if (m.has("measured")) {
    YamlMap measured = m.get_map("measured");
    // Relative to the file that names it, so a catalogue or a scenario can move with its data.
    const std::filesystem::path table = measured.get_string("comm");
    c.comm_table = (std::filesystem::path(m.file()).parent_path() / table).lexically_normal();
    measured.finish();
  }
  if (m.has("graph")) {
    if (c.builder != "explicit") m.fail("graph", "only the explicit builder takes a graph");
    read_explicit_graph(m.get_map("graph"), c.explicit_graph, catalogue);
  } else if (c.builder == "explicit") {
    m.fail_here("the explicit builder needs a 'graph' with nodes and links");
  }
}

namespace {

/// One machine: the keys of a systems.yaml entry or of a system file, all of them known.
SystemConfig read_system(YamlMap m, const std::string& name, const HardwareCatalogue& catalogue) {
  SystemConfig c;
  c.name = name;
  read_system_keys(m, c, catalogue);
  if (c.gpu.empty() && c.builder != "single_switch") m.fail_here("missing required key 'gpu'");
  m.finish();
  return c;
}

}  // namespace

std::vector<std::string> system_names(const std::filesystem::path& file) {
  return YamlMap(load_yaml_file(file.string()), file.string(), "").keys();
}

SystemConfig load_system_file(const std::filesystem::path& file,
                              const HardwareCatalogue& catalogue) {
  return read_system(YamlMap(load_yaml_file(file.string()), file.string(), ""),
                     file.stem().string(), catalogue);
}

std::map<std::string, SystemConfig> load_systems(const std::filesystem::path& file,
                                                 const HardwareCatalogue& catalogue) {
  YamlMap root(load_yaml_file(file.string()), file.string(), "");
  std::map<std::string, SystemConfig> systems;
  for (const std::string& name : root.keys()) {
    systems.emplace(name, read_system(root.get_map(name), name, catalogue));
  }
  root.finish();
  return systems;
}

}  // namespace moesim
