#include "models/serving/serving_run.h"

#include <fmt/format.h>

#include "models/serving/static_batch_scheduler.h"
#include "models/serving/vllm_v1_scheduler.h"
#include "sim/config_error.h"
#include "traces/csv_table.h"

namespace moesim {
namespace {

template <class Factory>
const StrategyEntry<Factory>& require(const StrategyFamily<Factory>& family,
                                      const std::string& name) {
  if (const auto* entry = family.find(name)) return *entry;
  throw ConfigError(fmt::format("unknown {} strategy '{}' (known: {})", family.name(), name,
                                fmt::join(family.names(), ", ")));
}

}  // namespace

std::vector<ServingRequest> read_requests(const std::string& file) {
  const CsvTable t = CsvTable::read(file);
  const bool native = !t.has_column("request_idx");
  const size_t id = t.column(native ? "request_id" : "request_idx");
  const size_t arrival = t.column(native ? "arrival_s" : "arrival_time_ns");
  const size_t input = t.column(native ? "input_tokens" : "input_toks");
  const size_t output = t.column(native ? "output_tokens" : "output_toks");
  const double to_seconds = native ? 1.0 : 1e-9;
  std::vector<ServingRequest> requests;
  for (size_t r = 0; r < t.rows(); ++r) {
    const auto whole = [&](size_t column, double min) {
      const double v = t.number(r, column);
      if (v < min || v != static_cast<double>(static_cast<uint64_t>(v)) || v > 4e9) {
        throw ConfigError(fmt::format("{}:{}: column {}: expected a whole number >= {}, got {}",
                                      file, t.line_of(r), t.header()[column], min,
                                      t.cell(r, column)));
      }
      return static_cast<uint64_t>(v);
    };
    ServingRequest q;
    q.id = whole(id, 0);
    const double seconds = t.number(r, arrival) * to_seconds;
    if (!(seconds >= 0.0)) {
      throw ConfigError(fmt::format("{}:{}: arrival must be >= 0, got {}", file, t.line_of(r),
                                    t.cell(r, arrival)));
    }
    q.arrival = Time::from_seconds_ceil(seconds);
    q.input_tokens = static_cast<uint32_t>(whole(input, 1));
    q.output_tokens = static_cast<uint32_t>(whole(output, 1));
    requests.push_back(q);
  }
  if (requests.empty()) throw ConfigError(fmt::format("{}: no requests", file));
  return requests;
}

ServingRun::ServingRun(const ScenarioConfig& config, const StrategyCatalog& catalog)
    : config_(config), rng_(config.seed) {
  const ServingScenario& s = *config_.serving;
  const ModelCard& card = *config_.card;
  profile_ = LayerProfile::load(s.profile);
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
  placement_ = require(catalog.placement, config_.placement)
                   .make()
                   ->place(config_.model.num_experts, s.layout.expert_parallel);
  const RoutingShape shape{config_.model.num_experts, config_.model.top_k};
  routing_ = require(catalog.routing, config_.routing).make(shape, rng_);
  collectives_ =
      std::make_unique<CollectiveTimer>(config_.system, config_.hardware, s.layout.expert_parallel);
  ProfiledServingConfig cost_config{card.num_layers, config_.model, s.layout,
                                    s.framework_overhead_us};
  cost_ = std::make_unique<ProfiledServingCost>(profile_, cost_config, placement_, *routing_,
                                                *collectives_);
  try {
    simulation_ = std::make_unique<ServingSimulation>(read_requests(s.requests),
                                                      std::move(schedulers), *cost_, s.tick);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("{}: {}", s.requests, e.what()));
  }
}

}  // namespace moesim
