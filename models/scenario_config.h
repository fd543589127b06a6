#pragma once
/// A scenario as plain values: what the loader in cli/ fills from YAML and the simulation
/// builds from. No YAML here.

#include <cstdint>
#include <string>

#include "models/cost_model/roofline.h"
#include "models/moe_layer_shape.h"
#include "topologies/builders/single_switch.h"
#include "topologies/hardware_specs.h"

namespace moesim {

struct ScenarioConfig {
  std::string name;
  uint64_t seed = 0;
  MoeLayerShape model;
  GpuSpec gpu;
  SingleSwitchConfig fabric;  ///< fabric.gpus is the number of ranks
  uint32_t tokens = 0;        ///< tokens in the batch, spread evenly over the ranks
  std::string routing = "uniform";
  std::string placement = "contiguous";
  std::string cost_model = "roofline";
  RooflineConfig roofline;
  std::string network = "max_min";
};

}  // namespace moesim
