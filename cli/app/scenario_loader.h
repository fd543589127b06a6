#pragma once
/// Loads a scenario YAML file into a ScenarioConfig (the composition root's only YAML reader
/// for scenarios). docs/scenario.md documents every key.

#include <string>
#include <vector>

#include "cli/app/scenario_config.h"
#include "cli/app/scenario_overrides.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

/// Throws ConfigError ("file:line: key.path: message") for syntax errors, unknown or misspelt
/// keys, missing keys, bad units, out-of-range values and unknown strategy names. `overrides`
/// (`moesim run --set`) are set into the file's YAML tree first; errors about their keys name
/// them ("--set model.top_k=999: model.top_k: ...") instead of a line of the file.
ScenarioConfig load_scenario(const std::string& path, const StrategyCatalog& catalog,
                             const std::vector<ScenarioOverride>& overrides = {});

}  // namespace moesim
