#include "topologies/builders/single_switch.h"

#include <stdexcept>

#include <fmt/format.h>

#include "topologies/builders/builder_checks.h"

namespace moesim {

Topology build_single_switch(const SingleSwitchConfig& config) {
  if (config.gpus == 0) throw std::invalid_argument("single_switch needs at least one GPU");
  builder_checks::require_gpu_count(config.gpus, "single_switch.gpus");
  Topology topo;
  for (uint32_t i = 0; i < config.gpus; ++i) topo.add_node(fmt::format("gpu{}", i), NodeKind::kGpu);
  const uint32_t sw = topo.add_node("switch", NodeKind::kSwitch);
  for (uint32_t i = 0; i < config.gpus; ++i) {
    topo.add_duplex_link(i, sw, "switch-up", "switch-down", config.link_bandwidth,
                         config.hop_latency);
  }
  return topo;
}

}  // namespace moesim
