#pragma once
/// A scenario as plain values: what the loader in cli/ fills from YAML and the simulation
/// builds from. No YAML here.

#include <cstdint>
#include <string>

#include "models/cost_model/roofline.h"
#include "models/moe_layer_shape.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/hardware_specs.h"
#include "topologies/system_config.h"

namespace moesim {

struct ScenarioConfig {
  std::string name;
  uint64_t seed = 0;
  MoeLayerShape model;
  /// The machine: builder, catalogue parts and parameters. Its GPUs are the ranks.
  SystemConfig system;
  /// The catalogue the system's names refer to.
  HardwareCatalogue hardware;
  /// The system's GPU with scenario overrides applied; peak_flops is at model.dtype.
  GpuSpec gpu;
  uint32_t tokens = 0;  ///< tokens in the batch, spread evenly over the ranks
  std::string routing = "uniform";
  std::string placement = "contiguous";
  std::string cost_model = "roofline";
  RooflineConfig roofline;
  std::string network = "max_min";
};

}  // namespace moesim
