#pragma once
/// Builder: N GPUs behind one switch, each with a duplex link of the same bandwidth and latency.
/// A GPU-to-GPU path is two hops (GPU -> switch -> GPU). Link classes are "switch-up" (GPU to
/// switch) and "switch-down" (switch to GPU).

#include <cstdint>

#include "sim/time.h"
#include "topologies/topology.h"

namespace moesim {

struct SingleSwitchConfig {
  uint32_t gpus = 8;
  double link_bandwidth = 0.0;  ///< bytes/s per GPU per direction
  Time hop_latency;             ///< per link crossed
};

Topology build_single_switch(const SingleSwitchConfig& config);

}  // namespace moesim
