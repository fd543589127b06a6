#include "cli/app/serving_run.h"

#include <fmt/format.h>

#include "models/comm/closed_form_phase_timer.h"
#include "models/comm/flow_phase_timer.h"
#include "sim/config_error.h"
#include "topologies/catalogue_loader.h"
#include "traces/coactivation_sampler.h"
#include "traces/workload/workload_file.h"
#include "traces/workload/workload_generator.h"

namespace moesim {

namespace {

std::vector<ServingRequest> serving_requests(const std::vector<WorkloadRequest>& workload) {
  std::vector<ServingRequest> requests;
  requests.reserve(workload.size());
  for (const WorkloadRequest& w : workload) {
    ServingRequest r;
    r.id = w.id;
    r.arrival = Time::from_seconds_ceil(w.arrival_s);
    r.input_tokens = w.input_tokens;
    r.output_tokens = w.output_tokens;
    r.routing_request = w.routing_request.value_or(w.id);
    requests.push_back(r);
  }
  return requests;
}

}  // namespace

std::vector<ServingRequest> read_requests(const std::string& file) {
  std::vector<ServingRequest> requests = serving_requests(read_workload_csv(file));
  if (requests.empty()) throw ConfigError(fmt::format("{}: no requests", file));
  return requests;
}

std::vector<TokenContext> leading_token_contexts(const std::vector<ServingRequest>& requests,
                                                 uint64_t tokens) {
  std::vector<TokenContext> out;
  for (const ServingRequest& r : requests) {
    const uint32_t length = r.input_tokens + r.output_tokens;
    for (uint32_t pos = 0; pos < length && out.size() < tokens; ++pos) {
      out.push_back({0, r.routing_request, pos,
                     pos < r.input_tokens ? TokenPhase::prefill : TokenPhase::decode});
    }
    if (out.size() >= tokens) break;
  }
  return out;
}

namespace {

/// Tokens routed to estimate each expert's load for a load-aware placement (a profiling pass):
/// the first requests' tokens (prompt and output positions), each MoE layer, on a second
/// generator built the same way (same seed, so the same hot experts), so that the run's own
/// routing draws stay as they are.
constexpr uint32_t kLoadSampleTokens = 4096;

std::vector<std::vector<double>> sample_expert_load(RoutingGenerator& generator,
                                                    const std::vector<ServingRequest>& requests,
                                                    uint32_t layers, uint32_t experts) {
  const std::vector<TokenContext> tokens = leading_token_contexts(requests, kLoadSampleTokens);
  std::vector<std::vector<double>> load(layers, std::vector<double>(experts, 0.0));
  TokenRouting routing;
  for (uint32_t layer = 0; layer < layers; ++layer) {
    generator.generate_with_context(layer, tokens, routing);
    for (const uint32_t e : routing.experts) load[layer][e] += 1.0;
  }
  return load;
}

}  // namespace

ServingRun::ServingRun(const ScenarioConfig& config, const StrategyCatalog& catalog)
    : config_(config), rng_(config.seed) {
  const ServingScenario& s = *config_.serving;
  const ModelCard& card = *config_.card;
  memory_ = plan_memory(card, s.layout, s.limits, s.block_size, s.kv_cache_dtype,
                        config_.gpu.memory_capacity, s.gpu_memory_utilization, config_.gpu.name,
                        s.host ? &*s.host : nullptr);
  // A closed loop's lengths come from the scenario's seed, streams workload.input and
  // workload.output (independent of the routing streams); its send times from the simulation.
  std::vector<ServingRequest> requests =
      s.closed_loop
          ? serving_requests(generate_lengths(s.closed_loop->requests, s.closed_loop->input,
                                              s.closed_loop->output, rng_))
          : read_requests(s.requests);

  std::vector<std::unique_ptr<BatchScheduler>> schedulers;
  for (uint32_t r = 0; r < s.layout.data_parallel; ++r) {
    schedulers.push_back(catalog.scheduler.make(
        s.scheduler, SchedulerContext{s.limits, memory_.kv_blocks, s.block_size}));
  }
  const RoutingContext routing_context{
      {config_.model.num_experts, config_.model.top_k}, &rng_, card.moe_layer_count()};
  routing_ = catalog.routing.make(config_.routing, routing_context);

  PlacementContext placement_context;
  placement_context.experts = config_.model.num_experts;
  placement_context.ranks = s.layout.expert_parallel;
  const uint32_t per_node = config_.system.nodes > 1 ? config_.system.gpus : 0;  // GPUs per node
  if (per_node > 0 && placement_context.ranks % per_node == 0) {
    placement_context.ranks_per_node = per_node;
  }
  placement_ = catalog.placement.make(config_.placement, placement_context);
  std::vector<std::vector<double>> layer_loads, layer_coactivation;
  if (placement_->uses_load()) {
    RngStreams sample_rng(config_.seed);  // the run's streams are left untouched
    RoutingContext sample_context = routing_context;
    sample_context.rng = &sample_rng;
    const auto sampler = catalog.routing.make(config_.routing, sample_context);
    layer_loads =
        sample_expert_load(*sampler, requests, card.moe_layer_count(), config_.model.num_experts);
    if (placement_->uses_coactivation()) {  // a second sample of its own, pairs per token
      RngStreams pair_rng(config_.seed);
      sample_context.rng = &pair_rng;
      const auto pairs = catalog.routing.make(config_.routing, sample_context);
      layer_coactivation = sample_coactivation(*pairs, kLoadSampleTokens, card.moe_layer_count(),
                                               config_.model.num_experts);
    }
  }
  experts_ = std::make_unique<ExpertLoadBalancer>(
      *placement_, placement_context, std::move(layer_loads), card.moe_layer_count(),
      config_.model.expert_weight_bytes(), std::move(layer_coactivation));

  system_ = build_system(config_.system, config_.hardware);
  const auto make_network = [this, &catalog](Simulator& sim) {
    return catalog.network.make(config_.network, NetworkContext{&sim});
  };
  Simulator probe;
  std::unique_ptr<PhaseTimer> timer;
  if (make_network(probe)->collective_level()) {
    timer = std::make_unique<ClosedFormPhaseTimer>(system_, config_.system.comm);
  } else {
    timer = std::make_unique<FlowPhaseTimer>(system_, config_.system.comm, make_network);
  }
  collectives_ = std::make_unique<LayoutCollectives>(
      s.layout, static_cast<uint32_t>(system_.topology.gpus().size()), std::move(timer));
  // Expert-parallel rank e is the stage's GPU at offset e: machine rank e of the first stage.
  std::vector<uint32_t> ep_gpus(s.layout.expert_parallel);
  for (uint32_t e = 0; e < s.layout.expert_parallel; ++e) ep_gpus[e] = e;
  fabric_ = std::make_unique<EpFabric>(system_.topology, std::move(ep_gpus), per_node,
                                       config_.system.comm);
  exchange_machine_ = std::make_unique<ServingExchangeMachine>(*fabric_, *collectives_);
  dispatch_ = catalog.dispatch.make(
      config_.dispatch, DispatchContext{&config_.model, default_catalogue_dir(), config_.gpu.name,
                                        &config_.hardware});
  exchange_ = std::make_unique<LayerExchange>(*dispatch_, *exchange_machine_, s.layout);
  ServingCostContext cost_context;
  cost_context.card = &card;
  cost_context.model = &config_.model;
  cost_context.gpu = &config_.gpu;
  cost_context.hardware = &config_.hardware;
  cost_context.roofline = roofline_config(config_.cost_model.params);
  cost_context.layout = s.layout;
  cost_context.framework_overhead_us = s.framework_overhead_us;
  cost_context.two_batch_overlap = s.two_batch_overlap;
  cost_context.kv_cache_dtype = s.kv_cache_dtype;
  cost_context.host = s.host ? &*s.host : nullptr;
  cost_context.experts = experts_.get();
  cost_context.routing = routing_.get();
  cost_context.collectives = collectives_.get();
  cost_context.exchange = exchange_.get();
  cost_context.make_moe_block = [this, &catalog](const LayerProfile* profile) {
    const MoeBlockContext c{&config_.model, &config_.gpu,
                            roofline_config(config_.cost_model.params), profile};
    return catalog.moe_cost.make(config_.serving->moe_cost, c);
  };
  cost_ = catalog.serving_cost.make(s.cost_model, cost_context);
  try {
    simulation_ = std::make_unique<ServingSimulation>(
        std::move(requests), std::move(schedulers), *cost_, s.tick, s.async_scheduling,
        s.layout.pipeline_parallel, s.closed_loop ? s.closed_loop->concurrency : 0);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(
        fmt::format("{}: {}", s.closed_loop ? "workload.closed_loop" : s.requests, e.what()));
  }
  simulation_->set_front_end(cost_->front_end());  // checked by the cost model
  if (s.closed_loop) {
    simulation_->set_client_ramp(s.closed_loop->ramp);
    simulation_->set_connection_limit(s.closed_loop->connection_limit);
  }
}

}  // namespace moesim
