// `moesim bound SCENARIO`: the scenario's bound models evaluated without simulating
// (models/strategies/bound/bound_family.h).
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/app/bound_context.h"
#include "cli/app/scenario_loader.h"
#include "cli/app/scenario_overrides.h"
#include "cli/app/serving_run.h"
#include "cli/app/strategy_loader.h"
#include "cli/commands.h"
#include "sim/config_error.h"

namespace moesim {
namespace {

std::string format_report(const BoundReport& r) {
  if (!r.applies) return fmt::format("{}: not applicable: {}\n", r.name, r.reason);
  std::string s = fmt::format("{}:\n", r.name);
  for (const auto& [label, value] : r.figures) s += fmt::format("  {:<40} {}\n", label, value);
  if (!r.regime.empty()) s += fmt::format("  {:<40} {}\n", "regime", r.regime);
  if (!r.binding.empty()) s += fmt::format("  {:<40} {}\n", "binds", r.binding);
  if (r.throughput) s += fmt::format("  {:<40} {:.1f} {}\n", "bound", *r.throughput, r.unit);
  return s;
}

}  // namespace

int bound_command(const BoundOptions& options) {
  const StrategyCatalog catalog = builtin_strategies();
  const ScenarioConfig cfg =
      load_scenario(options.scenario, catalog, command_line_overrides(options.sets, options.seed));
  std::unique_ptr<ServingRun> run;
  if (cfg.serving) run = std::make_unique<ServingRun>(cfg, catalog);
  const BoundContext context = bound_context(cfg, catalog, run.get());

  std::vector<StrategyChoice> chosen = cfg.bounds;
  if (chosen.empty()) {
    for (const StrategyInfo* info : catalog.bound.strategies()) {
      chosen.push_back(default_strategy(catalog.bound, info->name));
    }
  }
  std::cout << fmt::format("bounds of scenario '{}' ({} x {}{})\n\n", cfg.name, context.gpus,
                           cfg.gpu.name, cfg.serving ? ", serving" : ", one MoE layer");
  for (const StrategyChoice& choice : chosen) {
    std::cout << format_report(catalog.bound.make(choice, context)->report()) << '\n';
  }
  return 0;
}

}  // namespace moesim
