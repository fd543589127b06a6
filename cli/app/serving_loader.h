#pragma once
/// Reads the `serving:` block of a scenario and its `workload:` (serving_workload_loader.h).

#include <string>

#include "cli/app/scenario_config.h"
#include "models/strategies/strategy_catalog.h"
#include "sim/config/yaml_map.h"

namespace moesim {

/// Fills cfg.serving, its strategies from `catalog`. Needs cfg.card (the model block must name a
/// card or config.json) and cfg.system. Errors are ConfigErrors with the file, line and key.
void load_serving(YamlMap serving, YamlMap& workload, const std::string& scenario_path,
                  ScenarioConfig& cfg, const StrategyCatalog& catalog,
                  const ParamCheckContext& check_context);

}  // namespace moesim
