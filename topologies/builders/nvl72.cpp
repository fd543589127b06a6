#include "topologies/builders/nvl72.h"

#include <fmt/format.h>

#include "topologies/builders/builder_checks.h"

namespace moesim {

Topology build_nvl72(const Nvl72Config& config) {
  using namespace builder_checks;
  require_positive(config.gpus, "nvl72.gpus");
  require_gpu_count(config.gpus, "nvl72.gpus");
  require_positive(config.gpus_per_cpu, "nvl72.gpus_per_cpu");
  require_divisible(config.gpus, "nvl72.gpus", config.gpus_per_cpu, "nvl72.gpus_per_cpu");
  require_link_spec(config.scale_up, "nvl72.scale_up");
  require_link_spec(config.c2c, "nvl72.c2c");

  Topology topo;
  for (uint32_t i = 0; i < config.gpus; ++i) {
    topo.add_node(fmt::format("gpu{}", i), NodeKind::kGpu);
  }
  const uint32_t nvswitch = topo.add_node("nvswitch", NodeKind::kSwitch);
  for (uint32_t i = 0; i < config.gpus; ++i) {
    topo.add_duplex_link(i, nvswitch, "nvlink", "nvlink", config.scale_up.bandwidth,
                         config.scale_up.latency);
  }
  for (uint32_t c = 0; c < config.gpus / config.gpus_per_cpu; ++c) {
    // Non-transit: GPU -> CPU -> GPU would otherwise beat NVLink when C2C is the faster hop.
    const uint32_t cpu = topo.add_node(fmt::format("cpu{}", c), NodeKind::kCpu, false);
    for (uint32_t j = 0; j < config.gpus_per_cpu; ++j) {
      topo.add_duplex_link(c * config.gpus_per_cpu + j, cpu, "c2c", "c2c", config.c2c.bandwidth,
                           config.c2c.latency);
    }
  }
  return topo;
}

}  // namespace moesim
