#pragma once
/// A serving scenario put together and run: the memory plan sizes each rank's KV cache, the
/// strategies come from the catalogue, and the profiled or roofline cost model times every
/// iteration.

#include <memory>
#include <vector>

#include "cli/app/scenario_config.h"
#include "models/comm/ep_fabric.h"
#include "models/engine/serving/expert_load_balancer.h"
#include "models/engine/serving/layer_exchange.h"
#include "models/engine/serving/layout_collectives.h"
#include "models/engine/serving/memory_plan.h"
#include "models/engine/serving/serving_exchange_machine.h"
#include "models/engine/serving/serving_simulation.h"
#include "models/strategies/strategy_catalog.h"
#include "sim/rng.h"

namespace moesim {

/// Reads a request file (traces/WORKLOAD.md) as serving requests. Throws ConfigError naming the
/// file and line of a bad row, or for a file without requests.
std::vector<ServingRequest> read_requests(const std::string& file);

/// The first `tokens` tokens of `requests` as a serving run routes them (prompt then output
/// positions, request after request): what a routing sample draws.
std::vector<TokenContext> leading_token_contexts(const std::vector<ServingRequest>& requests,
                                                 uint64_t tokens);

class ServingRun {
 public:
  /// Throws ConfigError for inputs that cannot be served (memory, unknown strategies).
  ServingRun(const ScenarioConfig& config, const StrategyCatalog& catalog);

  // Its parts hold pointers into it (RNG streams, config, simulator): never copied or moved.
  ServingRun(const ServingRun&) = delete;
  ServingRun& operator=(const ServingRun&) = delete;

  void run() { simulation_->run(); }

  const ServingSimulation& simulation() const { return *simulation_; }
  /// For observers that connect before run() (the streamed trace).
  ServingSimulation& simulation() { return *simulation_; }
  const MemoryPlan& memory() const { return memory_; }
  const ScenarioConfig& config() const { return config_; }
  /// The expert placement at the end of the run, the per-rank loads and any migrations.
  const ExpertLoadBalancer& experts() const { return *experts_; }
  /// The MoE layers' dispatch and combine over the run.
  const LayerExchange& exchange() const { return *exchange_; }
  const ServingCostModel& cost() const { return *cost_; }
  /// To time a batch of one's own outside the run (tests that check an iteration by hand).
  ServingCostModel& cost() { return *cost_; }

 private:
  ScenarioConfig config_;
  RngStreams rng_;
  MemoryPlan memory_;
  std::unique_ptr<RoutingGenerator> routing_;
  std::unique_ptr<PlacementStrategy> placement_;
  std::unique_ptr<ExpertLoadBalancer> experts_;
  BuiltSystem system_;
  std::unique_ptr<LayoutCollectives> collectives_;
  std::unique_ptr<EpFabric> fabric_;
  std::unique_ptr<ServingExchangeMachine> exchange_machine_;
  std::unique_ptr<DispatchStrategy> dispatch_;
  std::unique_ptr<LayerExchange> exchange_;
  std::unique_ptr<ServingCostModel> cost_;
  std::unique_ptr<ServingSimulation> simulation_;
};

}  // namespace moesim
