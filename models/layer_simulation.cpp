#include "models/layer_simulation.h"

#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

LayerSimulation::LayerSimulation(const ScenarioConfig& config, const StrategyCatalog& catalog)
    : config_(config), sim_(config.seed) {
  topology_ = build_system(config_.system, config_.hardware).topology;
  network_ = catalog.network.at(config_.network).make(sim_);
  topology_.install(*network_);

  const auto ranks = static_cast<uint32_t>(topology_.gpus().size());
  gpus_.reserve(ranks);
  for (uint32_t r = 0; r < ranks; ++r) {
    gpus_.emplace_back(sim_, r, fmt::format("gpu{}", r), std::vector<std::string>{"compute"},
                       &task_spans);
  }
  cost_ = catalog.cost_model.at(config_.cost_model).make(config_.roofline);
  placement_ =
      catalog.placement.at(config_.placement).make()->place(config_.model.num_experts, ranks);

  const RoutingShape shape{config_.model.num_experts, config_.model.top_k};
  auto generator =
      catalog.routing.at(config_.routing).make(shape, config_.routing_params, sim_.rng());
  generator->generate(0, config_.tokens, routing_);

  forward_ = std::make_unique<MoeLayerForward>(
      LayerForwardSetup{&sim_, network_.get(), &topology_, &gpus_, cost_.get(), &config_.gpu,
                        &config_.model, &placement_, &routing_});
}

void LayerSimulation::run() {
  forward_->start();
  sim_.run();
  if (!forward_->finished()) {
    throw std::runtime_error("the layer forward stopped before finishing (event queue drained)");
  }
}

}  // namespace moesim
