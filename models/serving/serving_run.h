#pragma once
/// A serving scenario put together and run: the memory plan sizes each rank's KV cache, the
/// strategies come from the catalogue, and the profiled or roofline cost model times every
/// iteration.

#include <memory>
#include <vector>

#include "models/cost_model/layer_profile.h"
#include "models/cost_model/moe_block_cost.h"
#include "models/scenario_config.h"
#include "models/serving/layout_collectives.h"
#include "models/serving/memory_plan.h"
#include "models/serving/profiled_serving_cost.h"
#include "models/serving/serving_simulation.h"
#include "models/strategy_catalog.h"
#include "sim/rng.h"

namespace moesim {

/// Reads a request file (traces/WORKLOAD.md) as serving requests. Throws ConfigError naming the
/// file and line of a bad row, or for a file without requests.
std::vector<ServingRequest> read_requests(const std::string& file);

class ServingRun {
 public:
  /// Throws ConfigError for inputs that cannot be served (memory, unknown strategies).
  ServingRun(const ScenarioConfig& config, const StrategyCatalog& catalog);

  void run() { simulation_->run(); }

  const ServingSimulation& simulation() const { return *simulation_; }
  const MemoryPlan& memory() const { return memory_; }
  const ScenarioConfig& config() const { return config_; }

 private:
  ScenarioConfig config_;
  RngStreams rng_;
  LayerProfile profile_;
  std::unique_ptr<MoeBlockCostModel> moe_cost_;
  MemoryPlan memory_;
  ExpertPlacement placement_;
  std::unique_ptr<RoutingGenerator> routing_;
  std::unique_ptr<LayoutCollectives> collectives_;
  std::unique_ptr<ServingCostModel> cost_;
  std::unique_ptr<ServingSimulation> simulation_;
};

}  // namespace moesim
