#pragma once
/// A scenario as plain values: what the loader in cli/ fills from YAML and the simulation
/// builds from. No YAML here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/serving/batch_scheduler.h"
#include "models/engine/serving/host_offload.h"
#include "models/engine/serving/parallel_layout.h"
#include "models/model_card.h"
#include "models/moe_layer_shape.h"
#include "models/strategies/strategy_family.h"
#include "topologies/hardware_catalogue.h"
#include "topologies/hardware_specs.h"
#include "topologies/system_config.h"
#include "traces/workload/closed_loop_spec.h"

namespace moesim {

/// `serving.slo`: a request meets its service levels when its TTFT and its TPOT are at most
/// these (an absent level is not checked); goodput counts the requests that meet them.
struct ServiceLevels {
  std::optional<Time> ttft, tpot;
};

/// The `serving:` block and the request file or closed loop of `workload:` (docs/scenario.md).
struct ServingScenario {
  StrategyChoice scheduler;  ///< scheduler family
  SchedulerLimits limits;
  uint32_t block_size = 16;             ///< tokens per KV block
  double gpu_memory_utilization = 0.9;  ///< share of each GPU's memory the engine may use
  Dtype kv_cache_dtype = Dtype::kBf16;  ///< of the cached keys and values: bf16 or fp8
  ParallelLayout layout;
  StrategyChoice cost_model;           ///< serving_cost family
  double framework_overhead_us = 0.0;  ///< per engine iteration
  bool async_scheduling = false;       ///< decide each batch one iteration ahead (vLLM)
  bool two_batch_overlap = false;      ///< two micro-batches, exchange beside compute
  StrategyChoice moe_cost;             ///< moe_cost family (read by the profiled serving model)
  /// `weights: host`: weights streamed from host memory, KV cache and decode attention on the
  /// host CPU (docs/serving.md, "Streamed weights"); absent for `weights: gpu`.
  std::optional<HostOffload> host;
  std::string requests;  ///< request file (resolved path); empty with closed_loop
  std::optional<ClosedLoopSpec> closed_loop;  ///< clients instead of a request file
  Time tick = Time::s(1);                     ///< statistics interval of timeseries.csv
  std::optional<ServiceLevels> slo;           ///< goodput's service levels; absent: none
};

struct ScenarioConfig {
  std::string name;
  uint64_t seed = 0;
  MoeLayerShape model;
  /// The machine: builder, catalogue parts and parameters. Its GPUs are the ranks.
  SystemConfig system;
  /// The catalogue the system's names refer to.
  HardwareCatalogue hardware;
  /// GPUs of the built machine, all nodes together.
  uint32_t machine_gpus = 0;
  /// The system's GPU with scenario overrides applied; peak_flops is at model.dtype.
  GpuSpec gpu;
  uint32_t tokens = 0;  ///< tokens in the batch, spread evenly over the ranks
  /// The chosen strategy of each family with its checked parameters (defaults filled in by
  /// the loader; see docs/strategies.md).
  StrategyChoice routing;
  StrategyChoice placement;
  StrategyChoice cost_model;  ///< operator cost model; roofline_config() reads its parameters
  StrategyChoice network;
  StrategyChoice dispatch;  ///< serving: how MoE layers exchange tokens
  /// The whole model when the scenario names a card or config.json (serving needs it), and
  /// where it came from: a catalogue card name or a config.json path (absolute).
  std::optional<ModelCard> card;
  std::string card_name;
  std::string config_json;
  /// Present for a serving scenario; absent for a single-layer pass (`workload.tokens`).
  std::optional<ServingScenario> serving;
  /// `bounds:`, the bound models `moesim bound` evaluates with their parameters, in the file's
  /// order; empty: every bound with its defaults.
  std::vector<StrategyChoice> bounds;
};

}  // namespace moesim
