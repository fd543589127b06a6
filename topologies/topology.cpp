#include "topologies/topology.h"

#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

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
    case NodeKind::kMemory:
      return "memory";
  }
  return "unknown";
}

uint32_t Topology::add_node(const std::string& name, NodeKind kind, bool transit) {
  // Link names are "from->to", so a node name must be non-empty and free of "->".
  if (name.empty() || name.find("->") != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("topology node name '{}' must be non-empty and must not contain '->'", name));
  }
  if (!node_by_name_.emplace(name, static_cast<uint32_t>(nodes_.size())).second) {
    throw std::invalid_argument(fmt::format("duplicate topology node name '{}'", name));
  }
  nodes_.push_back(TopologyNode{name, kind, transit});
  if (kind == NodeKind::kGpu) gpus_.push_back(static_cast<uint32_t>(nodes_.size() - 1));
  invalidate_paths();
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t Topology::add_link(uint32_t from, uint32_t to, const std::string& link_class,
                            double bandwidth, Time latency) {
  if (from >= nodes_.size() || to >= nodes_.size() || from == to) {
    throw std::invalid_argument(fmt::format("link between invalid vertices {} and {}", from, to));
  }
  std::string name = nodes_[from].name + "->" + nodes_[to].name;
  if (!(bandwidth > 0.0) || !std::isfinite(bandwidth)) {
    throw std::invalid_argument(fmt::format("link '{}': bandwidth must be positive", name));
  }
  if (latency < Time::zero()) {
    throw std::invalid_argument(fmt::format("link '{}': latency must not be negative", name));
  }
  if (!link_ends_.insert(uint64_t{from} << 32 | to).second) {
    throw std::invalid_argument(fmt::format("duplicate link '{}'", name));
  }
  links_.push_back(
      TopologyLink{from, to, LinkConfig{std::move(name), link_class, bandwidth, latency}});
  invalidate_paths();
  return static_cast<uint32_t>(links_.size() - 1);
}

void Topology::add_duplex_link(uint32_t a, uint32_t b, const std::string& class_ab,
                               const std::string& class_ba, double bandwidth, Time latency) {
  add_link(a, b, class_ab, bandwidth, latency);
  add_link(b, a, class_ba, bandwidth, latency);
}

void Topology::invalidate_paths() {
  paths_.clear();
}

namespace {

// Latency in ps scaled up, plus one per hop, so equal latencies prefer fewer hops. Every weight
// is >= 1, so distances grow strictly along a path.
int64_t link_weight(const TopologyLink& link) {
  constexpr int64_t kHopWeight = 1;
  constexpr int64_t kLatencyScale = 1024;
  return link.config.latency.picoseconds() * kLatencyScale + kHopWeight;
}

}  // namespace

PathFinder& Topology::paths() const {
  if (!paths_.ready()) {
    std::vector<uint8_t> transit;
    transit.reserve(nodes_.size());
    for (const TopologyNode& n : nodes_) transit.push_back(n.transit ? 1 : 0);
    std::vector<SearchGraph::Link> links;
    links.reserve(links_.size());
    for (const TopologyLink& l : links_) links.push_back({l.from, l.to, link_weight(l)});
    paths_.prepare(SearchGraph(std::move(transit), std::move(links)));
  }
  return paths_;
}

void Topology::require_vertices(uint32_t src, uint32_t dst) const {
  if (src >= nodes_.size() || dst >= nodes_.size()) {
    throw std::invalid_argument(fmt::format("path between invalid vertices {} and {}", src, dst));
  }
}

void Topology::throw_no_path(uint32_t src, uint32_t dst) const {
  throw std::invalid_argument(
      fmt::format("no path from '{}' to '{}'", nodes_[src].name, nodes_[dst].name));
}

const std::vector<std::vector<uint32_t>>& Topology::equal_cost_paths(uint32_t src,
                                                                     uint32_t dst) const {
  require_vertices(src, dst);
  const auto& found = paths().equal_cost_paths(src, dst);
  if (found.empty()) throw_no_path(src, dst);
  return found;
}

const std::vector<uint32_t>& Topology::path(uint32_t src, uint32_t dst) const {
  return equal_cost_paths(src, dst).front();
}

const std::vector<uint32_t>& Topology::path(uint32_t src, uint32_t dst, uint64_t flow_hash) const {
  const auto& all = equal_cost_paths(src, dst);
  return all[flow_hash % all.size()];
}

const std::vector<uint32_t>& Topology::flow_path(uint32_t src, uint32_t dst) const {
  require_vertices(src, dst);
  const uint64_t hash = uint64_t{src} * 0x9e3779b97f4a7c15ULL ^ dst;  // golden-ratio multiply
  const std::vector<uint32_t>* found = paths().flow_path(src, dst, hash);
  if (found == nullptr) throw_no_path(src, dst);
  return *found;
}

void Topology::require_gpus_connected() const {
  std::vector<std::vector<uint32_t>> out(nodes_.size());
  for (const TopologyLink& l : links_) out[l.from].push_back(l.to);
  std::vector<uint8_t> seen;
  std::vector<uint32_t> stack;
  for (uint32_t a : gpus_) {
    // Depth-first search from a; like paths, it may leave but not cross a non-transit vertex.
    seen.assign(nodes_.size(), 0);
    seen[a] = 1;
    stack.assign(1, a);
    while (!stack.empty()) {
      const uint32_t u = stack.back();
      stack.pop_back();
      if (u != a && !nodes_[u].transit) continue;
      for (uint32_t v : out[u]) {
        if (!seen[v]) {
          seen[v] = 1;
          stack.push_back(v);
        }
      }
    }
    for (uint32_t b : gpus_) {
      if (!seen[b]) {
        throw std::invalid_argument(
            fmt::format("GPUs '{}' and '{}' are not connected: no path from '{}' to '{}'",
                        nodes_[a].name, nodes_[b].name, nodes_[a].name, nodes_[b].name));
      }
    }
  }
}

std::optional<uint32_t> Topology::find_node(const std::string& name) const {
  const auto it = node_by_name_.find(name);
  if (it == node_by_name_.end()) return std::nullopt;
  return it->second;
}

void Topology::install(NetworkModel& network) const {
  for (const TopologyLink& l : links_) network.add_link(l.config);
}

}  // namespace moesim
