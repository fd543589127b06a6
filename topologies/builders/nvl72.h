#pragma once
/// Builder: a GB200 NVL72-style rack. All GPUs share one NVLink domain, modelled as one
/// non-blocking "nvswitch" vertex with a scale_up link per GPU (GPU to GPU: 2 hops). Each Grace
/// CPU "cpu{c}" is tied to GPUs c * gpus_per_cpu .. by one c2c link each. CPUs are non-transit
/// vertices (Topology::add_node): a CPU does not forward GPU-to-GPU traffic, whatever the C2C
/// latency, so GPU pairs always route over NVLink. Vertex ids: gpu{i} is vertex i.
///
/// Link classes: "nvlink" (GPU <-> nvswitch), "c2c" (GPU <-> CPU). All links are duplex.

#include <cstdint>

#include "topologies/hardware_specs.h"
#include "topologies/topology.h"

namespace moesim {

struct Nvl72Config {
  uint32_t gpus = 72;         ///< >= 1, a multiple of gpus_per_cpu
  LinkSpec scale_up;          ///< GPU <-> NVLink domain, per GPU per direction
  LinkSpec c2c;               ///< GPU <-> its CPU
  uint32_t gpus_per_cpu = 2;  ///< >= 1
};

/// Throws std::invalid_argument for a bad config, naming the parameter ("nvl72.gpus").
Topology build_nvl72(const Nvl72Config& config);

}  // namespace moesim
