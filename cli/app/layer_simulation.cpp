#include "cli/app/layer_simulation.h"

#include <stdexcept>

#include <fmt/format.h>

#include "models/strategies/dispatch/dispatch_payload.h"
#include "topologies/catalogue_loader.h"

namespace moesim {

LayerSimulation::LayerSimulation(const ScenarioConfig& config, const StrategyCatalog& catalog)
    : config_(config), sim_(config.seed) {
  topology_ = build_system(config_.system, config_.hardware).topology;
  network_ = catalog.network.make(config_.network, NetworkContext{&sim_});
  topology_.install(*network_);

  const auto ranks = static_cast<uint32_t>(topology_.gpus().size());
  gpus_.reserve(ranks);
  for (uint32_t r = 0; r < ranks; ++r) {
    gpus_.emplace_back(sim_, r, fmt::format("gpu{}", r), std::vector<std::string>{"compute"},
                       &task_spans);
  }
  cost_ = catalog.cost_model.make(config_.cost_model, OperatorCostContext{});

  const RoutingShape shape{config_.model.num_experts, config_.model.top_k};
  auto generator = catalog.routing.make(config_.routing, RoutingContext{shape, &sim_.rng(), 1});
  generator->generate(0, config_.tokens, routing_);

  // A load-aware placement sees this batch's measured expert loads.
  PlacementContext placement_context{config_.model.num_experts, ranks, 0, {}};
  if (config_.system.nodes > 1) placement_context.ranks_per_node = config_.system.gpus;
  const auto placement = catalog.placement.make(config_.placement, placement_context);
  if (placement->uses_load()) {
    for (const uint64_t n : routing_.expert_loads()) {
      placement_context.expert_load.push_back(static_cast<double>(n));
    }
  }
  placement_ = placement->place(placement_context);
  placement_.check_covers(ranks, config_.model.num_experts);

  dispatch_ = catalog.dispatch.make(
      config_.dispatch, DispatchContext{&config_.model, default_catalogue_dir(), config_.gpu.name,
                                        &config_.hardware});
  LayerForwardSetup setup{&sim_,        network_.get(), &topology_,  &gpus_,   cost_.get(),
                          &config_.gpu, &config_.model, &placement_, &routing_};
  // The flows are the flat all-to-allv, in its payload dtypes; anything else is timed in
  // closed form.
  const PayloadDtypes payload = dispatch_->payload_dtypes();
  setup.dispatch_token_bytes =
      config_.model.hidden_size * payload_bytes_per_element(payload.dispatch);
  setup.combine_token_bytes =
      config_.model.hidden_size * payload_bytes_per_element(payload.combine);
  if (config_.dispatch.name != "all_to_allv") {
    exchange_system_ = build_system(config_.system, config_.hardware);
    exchange_ = std::make_unique<SimulatedExchangeMachine>(config_.system, exchange_system_);
    setup.dispatch = dispatch_.get();
    setup.exchange = exchange_.get();
  }
  forward_ = std::make_unique<MoeLayerForward>(setup);
}

void LayerSimulation::run() {
  forward_->start();
  sim_.run();
  if (!forward_->finished()) {
    throw std::runtime_error("the layer forward stopped before finishing (event queue drained)");
  }
}

}  // namespace moesim
