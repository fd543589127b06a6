// The `hardware:` block: a machine (topologies/system_loader.cpp, read_system_keys) and the
// scenario's overrides of catalogue figures (cli/app/scenario_loader.cpp). docs/hardware.md
// explains the builders and the communication constants.

#include "cli/app/keys/key_blocks.h"

namespace moesim::key_blocks {

using K = KeyType;

namespace {

/// A machine key's default: SystemConfig's, unless `hardware.system` names a machine.
std::string machine_default(const std::string& own) {
  return own + " (or the system's)";
}

std::vector<ScenarioKey> machine_keys() {
  return {
      key::value("hardware.system", K::kString, "none",
                 "A machine of topologies/catalogue/systems.yaml to start from; the keys below "
                 "override its figures."),
      key::value("hardware.description", K::kString, machine_default("none"),
                 "One line describing the machine, for listings."),
      key::choice("hardware.builder",
                  {"single_switch", "hgx", "pcie_host", "nvl72", "multi_node", "explicit"},
                  machine_default("hgx"), "How the GPUs are connected (`moesim list topology`)."),
      key::value("hardware.gpu", K::kString, "required (or the system's)",
                 "A GPU of gpus.yaml (`moesim list hardware`); its dense peak at model.dtype "
                 "is used."),
      key::value("hardware.gpus", K::kWholeNumber, machine_default("8"),
                 "GPUs per node, 1 to 65536.", "GPUs"),
      key::value("hardware.nodes", K::kWholeNumber, machine_default("1"),
                 "multi_node: nodes joined by the fabric; nodes x gpus at most 1,048,576.",
                 "nodes"),
      key::value("hardware.cpu_sockets", K::kWholeNumber, machine_default("2"),
                 "hgx, pcie_host: CPU sockets the PCIe switches hang from, 1 to 16.", "sockets"),
      key::value("hardware.cpu_interconnect", K::kString, machine_default("upi_sapphire_rapids"),
                 "hgx, pcie_host: the links.yaml link joining the CPU sockets."),
      key::value("hardware.gpus_per_switch", K::kWholeNumber, machine_default("2"),
                 "pcie_host: GPUs under one PCIe switch.", "GPUs"),
      key::value("hardware.p2p", K::kBool, machine_default("true"),
                 "pcie_host: GPUs talk through their PCIe switch; false sends every GPU-to-GPU "
                 "path through a CPU."),
      key::value("hardware.nic_link", K::kString,
                 machine_default("none; multi_node: infiniband_ndr"),
                 "hgx, multi_node: the links.yaml link of each GPU's NIC."),
      key::choice("hardware.fabric", {"rail", "fat_tree"}, machine_default("rail"),
                  "multi_node: a rail-optimised fabric or a two-level fat tree."),
      key::value("hardware.hosts_per_leaf", K::kWholeNumber, machine_default("8"),
                 "multi_node fat_tree: NIC ports per leaf switch.", "ports"),
      key::value("hardware.oversubscription", K::kNumber, machine_default("1"),
                 "multi_node fat_tree: ratio of a leaf's down to up bandwidth, 1 to 1000."),
      key::value("hardware.link_bandwidth", K::kBandwidth, machine_default("none"),
                 "single_switch: bandwidth of each GPU's link per direction."),
      key::value("hardware.hop_latency", K::kTime, machine_default("0 s"),
                 "single_switch: latency of each GPU's link."),
      key::value("hardware.switch_reduction", K::kBool, machine_default("false"),
                 "The scale-up switch reduces in the network (NVLink SHARP) for all-reduce."),
  };
}

std::vector<ScenarioKey> comm_keys() {
  return {
      key::block("hardware.comm",
                 "Fitted constants of collective communication on this machine "
                 "(docs/hardware.md).",
                 machine_default("one ideal protocol")),
      key::block("hardware.comm.protocols",
                 "The protocols collectives may run under, each by its name; the one with the "
                 "shorter estimate is used."),
      key::block("hardware.comm.protocols.<protocol>",
                 "One protocol (such as ll or simple) and its constants."),
      key::value("hardware.comm.protocols.<protocol>.base_latency", K::kTime, "required",
                 "Fixed cost paid once per collective under this protocol."),
      key::value("hardware.comm.protocols.<protocol>.step_latency", K::kTime, "required",
                 "Fixed cost paid before each algorithm step."),
      key::value("hardware.comm.protocols.<protocol>.bandwidth_efficiency", K::kNumber, "required",
                 "Achieved fraction of link bandwidth, 0.001 to 1."),
      key::value("hardware.comm.protocols.<protocol>.switch_reduce", K::kBool, "true",
                 "Whether the protocol reduces in the switch where the machine can."),
      key::value("hardware.comm.switch_reduce_efficiency", K::kNumber, "1",
                 "Achieved fraction of link bandwidth when the switch reduces, 0.001 to 1."),
      key::value("hardware.comm.fitted_on", K::kString, "none",
                 "The measurements the constants were fitted on, for reports."),
      key::block("hardware.measured", "Measured data of this machine, for the validation suites."),
      key::value("hardware.measured.comm", K::kPath, "required",
                 "The machine's nccl-tests table, relative to the file naming it; no "
                 "simulation reads it."),
  };
}

std::vector<ScenarioKey> graph_keys() {
  return {
      key::block("hardware.graph", "explicit builder only: the machine's nodes and links.",
                 "required with builder explicit"),
      key::list("hardware.graph.nodes", "mappings", "required", "The vertices of the graph."),
      key::value("hardware.graph.nodes[].name", K::kString, "required",
                 "The node's name, unique in the graph."),
      key::choice("hardware.graph.nodes[].kind", {"gpu", "cpu", "nic", "switch", "memory"},
                  "required", "What the node is; every gpu node is the catalogue GPU."),
      key::list("hardware.graph.links", "mappings", "required", "The edges of the graph."),
      key::value("hardware.graph.links[].from", K::kString, "required",
                 "Name of the node the link starts at."),
      key::value("hardware.graph.links[].to", K::kString, "required",
                 "Name of the node the link ends at."),
      key::value("hardware.graph.links[].link", K::kString, "none",
                 "A links.yaml link whose bandwidth, latency and class the link takes."),
      key::value("hardware.graph.links[].bandwidth", K::kBandwidth, "the link's (else required)",
                 "Bandwidth per direction, replacing the catalogue link's."),
      key::value("hardware.graph.links[].latency", K::kTime, "the link's (else 0 s)",
                 "Latency, replacing the catalogue link's."),
      key::value("hardware.graph.links[].class", K::kString, "the link's kind (else link)",
                 "Name of the trace lane the link's traffic is drawn in."),
      key::value("hardware.graph.links[].duplex", K::kBool, "true",
                 "Whether the link carries both directions; false: from -> to only."),
  };
}

std::vector<ScenarioKey> override_keys() {
  return {
      key::block("hardware.gpu_overrides",
                 "Figures of the catalogue GPU replaced for this "
                 "scenario."),
      key::value("hardware.gpu_overrides.peak_flops", K::kFlopRate, "from the catalogue",
                 "Replaces the GPU's dense peak at model.dtype, and every per-operator peak of "
                 "the roofline serving model."),
      key::value("hardware.gpu_overrides.memory_bandwidth", K::kBandwidth, "from the catalogue",
                 "Replaces the GPU's memory bandwidth."),
      key::value("hardware.gpu_overrides.memory", K::kBytes, "from the catalogue",
                 "Replaces the GPU's memory capacity."),
      key::value("hardware.gpu_overrides.usd_per_hour", K::kNumber, "from the catalogue (none)",
                 "What one GPU costs per hour, 0 to 10^6, for `moesim plan` with cost: gpu_hour; "
                 "the shipped catalogue states no prices.",
                 "US dollars per GPU-hour"),
      key::block("hardware.link_overrides",
                 "Figures of catalogue links replaced for this scenario, each by its links.yaml "
                 "name."),
      key::block("hardware.link_overrides.<link>",
                 "One links.yaml link; every link of that technology in the machine changes."),
      key::value("hardware.link_overrides.<link>.bandwidth", K::kBandwidth, "from the catalogue",
                 "Replaces the link's bandwidth per direction."),
      key::value("hardware.link_overrides.<link>.latency", K::kTime, "from the catalogue",
                 "Replaces the link's latency."),
  };
}

}  // namespace

std::vector<ScenarioKey> hardware_keys() {
  std::vector<ScenarioKey> keys = machine_keys();
  for (auto* part : {comm_keys, graph_keys, override_keys}) {
    for (ScenarioKey& k : part()) keys.push_back(std::move(k));
  }
  return keys;
}

}  // namespace moesim::key_blocks
