#pragma once
/// Builder: a topology given node by node and link by link (the "explicit" builder). Vertices
/// are added in the order given, so GPUs are ranked in the order they are listed. After
/// building it requires every GPU to reach every other one (Topology::require_gpus_connected).

#include <string>
#include <vector>

#include "sim/time.h"
#include "topologies/topology.h"

namespace moesim {

struct ExplicitNode {
  std::string name;  ///< unique, non-empty, without "->"
  NodeKind kind;
};

struct ExplicitLink {
  std::string from;        ///< a node name
  std::string to;          ///< a node name
  double bandwidth = 0.0;  ///< bytes/s per direction, positive and finite
  Time latency;            ///< per hop, not negative
  std::string link_class;  ///< trace lane and statistics group, non-empty
  bool duplex = true;      ///< also add the link to -> from with the same figures
};

struct ExplicitConfig {
  std::vector<ExplicitNode> nodes;  ///< at least one GPU
  std::vector<ExplicitLink> links;
};

/// Throws std::invalid_argument for an unknown or duplicate node, a duplicate link, bad link
/// figures, no GPU, or two GPUs without a path; messages name the node or the link
/// ("explicit.links[3] (a -> b)").
Topology build_explicit(const ExplicitConfig& config);

}  // namespace moesim
