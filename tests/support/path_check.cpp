#include "support/path_check.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace moesim::test {

uint32_t node_id(const Topology& topo, const std::string& name) {
  for (uint32_t v = 0; v < topo.nodes().size(); ++v) {
    if (topo.nodes()[v].name == name) return v;
  }
  throw std::out_of_range("no topology node named '" + name + "'");
}

bool has_node(const Topology& topo, const std::string& name) {
  return std::any_of(topo.nodes().begin(), topo.nodes().end(),
                     [&](const TopologyNode& n) { return n.name == name; });
}

std::vector<std::string> path_nodes(const Topology& topo, const std::vector<uint32_t>& path) {
  std::vector<std::string> names;
  for (uint32_t link : path) {
    const TopologyLink& l = topo.links()[link];
    if (names.empty()) names.push_back(topo.nodes()[l.from].name);
    names.push_back(topo.nodes()[l.to].name);
  }
  return names;
}

std::vector<std::string> path_classes(const Topology& topo, const std::vector<uint32_t>& path) {
  std::vector<std::string> classes;
  for (uint32_t link : path) classes.push_back(topo.links()[link].config.link_class);
  return classes;
}

Time path_latency(const Topology& topo, const std::vector<uint32_t>& path) {
  Time total = Time::zero();
  for (uint32_t link : path) total += topo.links()[link].config.latency;
  return total;
}

double path_bottleneck(const Topology& topo, const std::vector<uint32_t>& path) {
  double bottleneck = std::numeric_limits<double>::infinity();
  for (uint32_t link : path) bottleneck = std::min(bottleneck, topo.links()[link].config.bandwidth);
  return bottleneck;
}

const std::vector<uint32_t>& named_path(const Topology& topo, const std::string& src,
                                        const std::string& dst) {
  return topo.path(node_id(topo, src), node_id(topo, dst));
}

LinkSpec link_spec(double bandwidth, Time latency) {
  LinkSpec spec;
  spec.bandwidth = bandwidth;
  spec.latency = latency;
  return spec;
}

}  // namespace moesim::test
