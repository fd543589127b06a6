#include "topologies/builders/explicit.h"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "topologies/builders/builder_checks.h"

namespace moesim {

Topology build_explicit(const ExplicitConfig& config) {
  if (config.nodes.size() > builder_checks::kMaxVertices) {
    throw std::invalid_argument(fmt::format("explicit.nodes lists {} vertices; expected at most {}",
                                            config.nodes.size(), builder_checks::kMaxVertices));
  }
  Topology topo;
  std::map<std::string, uint32_t> ids;
  for (size_t i = 0; i < config.nodes.size(); ++i) {
    const ExplicitNode& node = config.nodes[i];
    try {
      ids[node.name] = topo.add_node(node.name, node.kind);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("explicit.nodes[{}]: {}", i, e.what()));
    }
  }
  if (topo.gpus().empty()) throw std::invalid_argument("explicit.nodes has no GPU");

  for (size_t i = 0; i < config.links.size(); ++i) {
    const ExplicitLink& link = config.links[i];
    const std::string where = fmt::format("explicit.links[{}] ({} -> {})", i, link.from, link.to);
    for (const std::string* end : {&link.from, &link.to}) {
      if (!ids.contains(*end)) {
        throw std::invalid_argument(fmt::format("{}: unknown node '{}'", where, *end));
      }
    }
    if (link.link_class.empty()) {
      throw std::invalid_argument(fmt::format("{}: link_class must not be empty", where));
    }
    // Topology checks the figures and duplicates; the prefix says which entry was wrong.
    try {
      const uint32_t a = ids.at(link.from);
      const uint32_t b = ids.at(link.to);
      if (link.duplex) {
        topo.add_duplex_link(a, b, link.link_class, link.link_class, link.bandwidth, link.latency);
      } else {
        topo.add_link(a, b, link.link_class, link.bandwidth, link.latency);
      }
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
    }
  }
  topo.require_gpus_connected();
  return topo;
}

}  // namespace moesim
