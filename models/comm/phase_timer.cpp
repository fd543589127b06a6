#include "models/comm/phase_timer.h"

#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

std::vector<uint32_t> group_vertices(const Topology& topology, const std::vector<uint32_t>& group) {
  const auto& gpus = topology.gpus();
  std::vector<uint32_t> vertices;
  vertices.reserve(group.size());
  for (const uint32_t rank : group) {
    if (rank >= gpus.size()) {
      throw std::invalid_argument(
          fmt::format("a collective group needs GPU {} of a machine of {}", rank, gpus.size()));
    }
    vertices.push_back(gpus[rank]);
  }
  return vertices;
}

}  // namespace moesim
