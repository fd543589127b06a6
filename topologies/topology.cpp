#include "topologies/topology.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

namespace moesim {

const char* to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::kGpu:
      return "gpu";
    case NodeKind::kCpu:
      return "cpu";
    case NodeKind::kNic:
      return "nic";
    case NodeKind::kSwitch:
      return "switch";
  }
  return "unknown";
}

uint32_t Topology::add_node(const std::string& name, NodeKind kind) {
  // Link names are "from->to", so a node name must be non-empty and free of "->".
  if (name.empty() || name.find("->") != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("topology node name '{}' must be non-empty and must not contain '->'", name));
  }
  if (!node_by_name_.emplace(name, static_cast<uint32_t>(nodes_.size())).second) {
    throw std::invalid_argument(fmt::format("duplicate topology node name '{}'", name));
  }
  nodes_.push_back(TopologyNode{name, kind});
  if (kind == NodeKind::kGpu) gpus_.push_back(static_cast<uint32_t>(nodes_.size() - 1));
  paths_.clear();
  paths_ready_.clear();
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t Topology::add_link(uint32_t from, uint32_t to, const std::string& link_class,
                            double bandwidth, Time latency) {
  if (from >= nodes_.size() || to >= nodes_.size() || from == to) {
    throw std::invalid_argument(fmt::format("link between invalid vertices {} and {}", from, to));
  }
  const std::string name = nodes_[from].name + "->" + nodes_[to].name;
  if (!(bandwidth > 0.0) || !std::isfinite(bandwidth)) {
    throw std::invalid_argument(fmt::format("link '{}': bandwidth must be positive", name));
  }
  if (latency < Time::zero()) {
    throw std::invalid_argument(fmt::format("link '{}': latency must not be negative", name));
  }
  for (const TopologyLink& l : links_) {
    if (l.from == from && l.to == to) {
      throw std::invalid_argument(fmt::format("duplicate link '{}'", name));
    }
  }
  links_.push_back(TopologyLink{from, to, LinkConfig{name, link_class, bandwidth, latency}});
  paths_.clear();
  paths_ready_.clear();
  return static_cast<uint32_t>(links_.size() - 1);
}

void Topology::add_duplex_link(uint32_t a, uint32_t b, const std::string& class_ab,
                               const std::string& class_ba, double bandwidth, Time latency) {
  add_link(a, b, class_ab, bandwidth, latency);
  add_link(b, a, class_ba, bandwidth, latency);
}

void Topology::compute_paths_from(uint32_t src) const {
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                            boost::property<boost::edge_weight_t, int64_t>>;
  Graph g(nodes_.size());
  // Weight: latency in ps scaled up, plus one per hop, so equal latencies prefer fewer hops.
  constexpr int64_t kHopWeight = 1;
  constexpr int64_t kLatencyScale = 1024;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> link_of;
  for (uint32_t i = 0; i < links_.size(); ++i) {
    const TopologyLink& l = links_[i];
    boost::add_edge(l.from, l.to, l.config.latency.picoseconds() * kLatencyScale + kHopWeight, g);
    link_of[{l.from, l.to}] = i;
  }
  std::vector<Graph::vertex_descriptor> pred(nodes_.size());
  std::vector<int64_t> dist(nodes_.size());
  boost::dijkstra_shortest_paths(g, src,
                                 boost::predecessor_map(pred.data()).distance_map(dist.data()));

  auto& row = paths_[src];
  row.assign(nodes_.size(), {});
  for (uint32_t dst = 0; dst < nodes_.size(); ++dst) {
    if (dst == src || pred[dst] == dst) continue;  // unreachable vertices are their own pred
    std::vector<uint32_t> reversed;
    for (uint32_t v = dst; v != src; v = static_cast<uint32_t>(pred[v])) {
      reversed.push_back(link_of.at({static_cast<uint32_t>(pred[v]), v}));
    }
    row[dst].assign(reversed.rbegin(), reversed.rend());
  }
  paths_ready_[src] = 1;
}

const std::vector<uint32_t>& Topology::path(uint32_t src, uint32_t dst) const {
  if (src >= nodes_.size() || dst >= nodes_.size()) {
    throw std::invalid_argument(fmt::format("path between invalid vertices {} and {}", src, dst));
  }
  if (paths_.size() != nodes_.size()) {
    paths_.assign(nodes_.size(), {});
    paths_ready_.assign(nodes_.size(), 0);
  }
  if (!paths_ready_[src]) compute_paths_from(src);
  const auto& p = paths_[src][dst];
  if (p.empty() && src != dst) {
    throw std::invalid_argument(
        fmt::format("no path from '{}' to '{}'", nodes_[src].name, nodes_[dst].name));
  }
  return p;
}

void Topology::install(NetworkModel& network) const {
  for (const TopologyLink& l : links_) network.add_link(l.config);
}

}  // namespace moesim
