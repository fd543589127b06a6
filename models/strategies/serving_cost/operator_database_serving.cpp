// The operator-database serving cost model (models/engine/serving/database_operator_timer.h)
// as a strategy: measured operator tables of one serving backend, found through a folder
// (a shipped one by name or a path next to the scenario) whose tables.yaml names their GPU.
#include <fmt/format.h>

#include "models/engine/serving/database_operator_timer.h"
#include "models/engine/serving/operator_serving_cost.h"
#include "models/strategies/serving_cost/operator_database_spec.h"
#include "models/strategies/serving_cost/serving_cost_family.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

/// Holds the shared tables for as long as the cost model that reads them.
class OwningDatabaseServingCost final : public ServingCostModel {
 public:
  OwningDatabaseServingCost(std::vector<std::shared_ptr<const OperatorTables>> tables,
                            std::unique_ptr<OperatorServingCost> cost)
      : tables_(std::move(tables)), cost_(std::move(cost)) {}
  IterationCost iteration(std::span<const ScheduledBatch> batches) override {
    return cost_->iteration(batches);
  }
  std::string summary() const override { return cost_->summary(); }
  FrontEndLatency front_end() const override { return cost_->front_end(); }

 private:
  std::vector<std::shared_ptr<const OperatorTables>> tables_;
  std::unique_ptr<OperatorServingCost> cost_;
};

void check_database(Params& p, const ParamCheckContext& c) {
  const std::string given = p.text("tables");
  const std::filesystem::path dir = find_operator_tables(given, c.scenario_dir);
  if (dir.empty()) {
    throw ParamError("tables", fmt::format("no operator tables \"{}\" in {} or next to the "
                                           "scenario",
                                           given, MOESIM_OPERATOR_TABLES_DIR));
  }
  p.update("tables", std::filesystem::absolute(dir).lexically_normal().string());
  try {
    read_operator_database(dir, p.text("backend"));
  } catch (const ConfigError& e) {
    throw ParamError("tables", e.what());
  }
  if (c.card == nullptr) {
    throw ParamError("", "the operator database needs the whole model: name a model card");
  }
}

}  // namespace

ServingCostFamily::Entry operator_database_entry() {
  return {{"operator_database",
           "measured operator latencies of a serving backend (GEMM, attention, fused MoE, "
           "all-reduce), interpolated, plus the backend's fitted framework overhead",
           {param::choice("backend", "vllm", {"vllm", "trtllm", "sglang"},
                          "the serving engine whose kernels and overhead are used"),
            param::text("tables", "h100_sxm",
                        "operator tables: a shipped folder (topologies/measured/operators/) by "
                        "name, or a folder relative to the scenario, holding tables.yaml"),
            param::choice("framework_overhead", "fitted", {"fitted", "none"},
                          "the backend's fitted overhead per iteration and per request "
                          "(tables.yaml), or none (kernels only: what `moesim calibrate --suite "
                          "silicon` fits against)"),
            param::optional("request_latency", ParamKind::kTime,
                            "the backend's request_us in tables.yaml (0 with framework_overhead "
                            "none)",
                            "time each request spends in the serving front end, both ways, "
                            "applied as one delay before the engine sees it"),
            param::optional("prompt_token_latency", ParamKind::kTime,
                            "the backend's prompt_token_us in tables.yaml (0 with "
                            "framework_overhead none)",
                            "front-end time per prompt token, added to request_latency"),
            param::optional("in_flight_latency", ParamKind::kTime,
                            "the backend's in_flight_us in tables.yaml (0 with "
                            "framework_overhead none)",
                            "front-end time per other request in flight (past the client, not "
                            "finished) when a request leaves the client, added to "
                            "request_latency")},
           check_database},
          [](const ServingCostContext& c, const Params& p) {
            if (c.framework_overhead_us != 0) {
              // The fitted overhead stands for that time; adding a stated one would count twice.
              throw ConfigError(
                  "serving.framework_overhead: the operator_database cost model takes its "
                  "backend's fitted overhead instead (serving.cost_model.framework_overhead: "
                  "fitted or none); leave serving.framework_overhead out");
            }
            const OperatorDatabaseSpec spec =
                read_operator_database(p.text("tables"), p.text("backend"));
            auto tables = shared_operator_tables(spec.backend_dir);
            FrameworkOverhead overhead =
                p.text("framework_overhead") == "none" ? FrameworkOverhead{} : spec.overhead;
            if (p.has("request_latency")) {
              overhead.front_end.request_us = p.time("request_latency").seconds() * 1e6;
            }
            if (p.has("prompt_token_latency")) {
              overhead.front_end.per_prompt_token_us =
                  p.time("prompt_token_latency").seconds() * 1e6;
            }
            if (p.has("in_flight_latency")) {
              overhead.front_end.per_in_flight_us = p.time("in_flight_latency").seconds() * 1e6;
            }
            DatabaseTimerConfig timer{
                *c.card, *c.gpu, c.hardware->gpu(spec.gpu), c.layout, c.kv_cache_dtype, overhead,
                nullptr, ""};
            std::vector<std::shared_ptr<const OperatorTables>> held = {tables};
            if (c.card->weights.experts == WeightFormat::kMxfp4 &&
                tables->moe_shapes(kMxfp4MoeKernel, "balanced").empty()) {
              for (const auto& [name, dir] : spec.other_backend_dirs) {
                auto other = shared_operator_tables(dir);
                if (other->moe_shapes(kMxfp4MoeKernel, "balanced").empty()) continue;
                timer.format_tables = other.get();
                timer.format_tables_name = fmt::format("{} ({})", name, dir.filename().string());
                held.push_back(std::move(other));
                break;
              }
            }
            auto database = std::make_unique<DatabaseOperatorTimer>(timer, *tables);
            OperatorServingConfig config{*c.card,  *c.gpu, c.roofline,
                                         c.layout, 0.0,    c.two_batch_overlap};
            auto cost = std::make_unique<OperatorServingCost>(
                config, *c.experts, *c.routing, *c.collectives, *c.exchange, std::move(database));
            return std::make_unique<OwningDatabaseServingCost>(std::move(held), std::move(cost));
          }};
}

}  // namespace moesim
