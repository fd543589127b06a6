#pragma once
/// A scenario as plain values: what the loader in cli/ fills from YAML and the simulation
/// builds from. No YAML here.

#include <cstdint>
#include <optional>
#include <string>

#include "models/cost_model/roofline.h"
#include "models/model_card.h"
#include "models/moe_layer_shape.h"
#include "models/serving/batch_scheduler.h"
#include "models/serving/parallel_layout.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/hardware_specs.h"
#include "topologies/system_config.h"
#include "traces/routing_params.h"

namespace moesim {

/// The `serving:` block and the request file of `workload:` (docs/scenario.md).
struct ServingScenario {
  std::string scheduler = "vllm_v1";
  SchedulerLimits limits;
  uint32_t block_size = 16;             ///< tokens per KV block
  double gpu_memory_utilization = 0.9;  ///< share of each GPU's memory the engine may use
  ParallelLayout layout;
  std::string cost_model = "profiled";  ///< "profiled" (layer profile) or "roofline"
  std::string profile;                  ///< layer profile folder (resolved path), profiled only
  double framework_overhead_us = 0.0;   ///< per engine iteration
  bool async_scheduling = false;        ///< decide each batch one iteration ahead (vLLM)
  std::string moe_cost = "profiled";    ///< MoE block: "profiled" table or "roofline" limit
  std::string requests;                 ///< request file (resolved path)
  Time tick = Time::s(1);               ///< statistics interval of timeseries.csv
};

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
  /// The routing generator's parameters; only the part of the named generator is read.
  RoutingParams routing_params;
  std::string placement = "contiguous";
  std::string cost_model = "roofline";
  RooflineConfig roofline;
  std::string network = "max_min";
  /// The whole model when the scenario names a card or config.json (serving needs it), and
  /// where it came from: a catalogue card name or a config.json path (absolute).
  std::optional<ModelCard> card;
  std::string card_name;
  std::string config_json;
  /// Present for a serving scenario; absent for a single-layer pass (`workload.tokens`).
  std::optional<ServingScenario> serving;
};

}  // namespace moesim
