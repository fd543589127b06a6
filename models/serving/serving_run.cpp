#include "models/serving/serving_run.h"

#include <fmt/format.h>

#include "models/cost_model/profiled_moe_block_cost.h"
#include "models/cost_model/roofline_moe_block_cost.h"
#include "models/serving/roofline_serving_cost.h"
#include "models/serving/static_batch_scheduler.h"
#include "models/serving/vllm_v1_scheduler.h"
#include "sim/config_error.h"
#include "traces/workload/workload_file.h"

namespace moesim {

std::vector<ServingRequest> read_requests(const std::string& file) {
  std::vector<ServingRequest> requests;
  for (const WorkloadRequest& w : read_workload_csv(file)) {
    ServingRequest r;
    r.id = w.id;
    r.arrival = Time::from_seconds_ceil(w.arrival_s);
    r.input_tokens = w.input_tokens;
    r.output_tokens = w.output_tokens;
    r.routing_request = w.routing_request.value_or(w.id);
    requests.push_back(r);
  }
  if (requests.empty()) throw ConfigError(fmt::format("{}: no requests", file));
  return requests;
}

ServingRun::ServingRun(const ScenarioConfig& config, const StrategyCatalog& catalog)
    : config_(config), rng_(config.seed) {
  const ServingScenario& s = *config_.serving;
  const ModelCard& card = *config_.card;
  memory_ = plan_memory(card, s.layout, s.limits, s.block_size, config_.gpu.memory_capacity,
                        s.gpu_memory_utilization, config_.gpu.name);

  std::vector<std::unique_ptr<BatchScheduler>> schedulers;
  for (uint32_t r = 0; r < s.layout.data_parallel; ++r) {
    KvBlockPool pool(memory_.kv_blocks, s.block_size);
    if (s.scheduler == "static") {
      schedulers.push_back(std::make_unique<StaticBatchScheduler>(s.limits, pool));
    } else {
      schedulers.push_back(std::make_unique<VllmV1Scheduler>(s.limits, pool));
    }
  }
  placement_ = catalog.placement.at(config_.placement)
                   .make()
                   ->place(config_.model.num_experts, s.layout.expert_parallel);
  const RoutingShape shape{config_.model.num_experts, config_.model.top_k};
  routing_ = catalog.routing.at(config_.routing).make(shape, config_.routing_params, rng_);
  collectives_ = std::make_unique<LayoutCollectives>(config_.system, config_.hardware, s.layout);
  if (s.cost_model == "roofline") {
    RooflineServingConfig cost_config{card, config_.gpu, config_.roofline, s.layout,
                                      s.framework_overhead_us};
    cost_ =
        std::make_unique<RooflineServingCost>(cost_config, placement_, *routing_, *collectives_);
  } else {
    profile_ = LayerProfile::load(s.profile);
    if (s.moe_cost == "roofline") {
      moe_cost_ =
          std::make_unique<RooflineMoeBlockCost>(config_.model, config_.gpu, config_.roofline);
    } else {
      moe_cost_ = std::make_unique<ProfiledMoeBlockCost>(profile_, config_.model.top_k);
    }
    ProfiledServingConfig cost_config{card.num_layers, config_.model, s.layout,
                                      s.framework_overhead_us};
    cost_ = std::make_unique<ProfiledServingCost>(profile_, *moe_cost_, cost_config, placement_,
                                                  *routing_, *collectives_);
  }
  try {
    simulation_ = std::make_unique<ServingSimulation>(
        read_requests(s.requests), std::move(schedulers), *cost_, s.tick, s.async_scheduling,
        s.layout.pipeline_parallel);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("{}: {}", s.requests, e.what()));
  }
}

}  // namespace moesim
