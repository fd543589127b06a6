#pragma once
/// Builds and runs a one-layer MoE forward scenario: topology, network, GPUs, routing,
/// placement and cost model from a ScenarioConfig and the strategy catalogue.
///
/// Lifecycle: construct (builds objects, no I/O, nothing scheduled), connect observers to the
/// signals, run(), then read result().

#include <memory>
#include <vector>

#include "cli/app/scenario_config.h"
#include "models/comm/simulated_exchange_machine.h"
#include "models/engine/layer/moe_layer_forward.h"
#include "models/strategies/strategy_catalog.h"
#include "sim/compute_stream.h"
#include "sim/simulator.h"
#include "topologies/topology.h"
#include "traces/token_routing.h"

namespace moesim {

class LayerSimulation {
 public:
  /// Throws ConfigError for an unknown strategy name, std::invalid_argument for an inconsistent
  /// config.
  LayerSimulation(const ScenarioConfig& config, const StrategyCatalog& catalog);

  /// Runs the forward to completion. Throws std::runtime_error if it does not finish.
  // Its parts hold pointers into it (RNG streams, config, simulator): never copied or moved.
  LayerSimulation(const LayerSimulation&) = delete;
  LayerSimulation& operator=(const LayerSimulation&) = delete;

  void run();

  const ScenarioConfig& config() const { return config_; }
  const Topology& topology() const { return topology_; }
  const std::vector<ComputeDevice>& gpus() const { return gpus_; }
  const NetworkModel& network() const { return *network_; }
  NetworkModel& network() { return *network_; }
  const TokenRouting& routing() const { return routing_; }
  const ExpertPlacement& placement() const { return placement_; }
  const MoeLayerForward& forward() const { return *forward_; }
  /// The scenario's dispatch strategy (built for every scenario, timed in closed form unless it
  /// is all_to_allv).
  const DispatchStrategy& dispatch() const { return *dispatch_; }
  /// For observers: connect to forward().stage_finished before run().
  MoeLayerForward& forward() { return *forward_; }
  const Simulator& simulator() const { return sim_; }

  Signal<TaskSpan> task_spans;

 private:
  ScenarioConfig config_;
  Simulator sim_;
  Topology topology_;
  std::unique_ptr<NetworkModel> network_;
  std::vector<ComputeDevice> gpus_;
  std::unique_ptr<CostModel> cost_;
  ExpertPlacement placement_;
  TokenRouting routing_;
  // A dispatch strategy other than the flows' all_to_allv, timed in closed form on its own
  // copy of the machine.
  std::unique_ptr<DispatchStrategy> dispatch_;
  BuiltSystem exchange_system_;
  std::unique_ptr<SimulatedExchangeMachine> exchange_;
  std::unique_ptr<MoeLayerForward> forward_;
};

}  // namespace moesim
