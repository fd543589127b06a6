#pragma once
/// Loads a scenario YAML file into a ScenarioConfig (the composition root's only YAML reader
/// for scenarios). docs/scenario.md documents every key.

#include <string>

#include "models/scenario_config.h"
#include "models/strategies/strategy_catalog.h"

namespace moesim {

/// Throws ConfigError ("file:line: key.path: message") for syntax errors, unknown or misspelt
/// keys, missing keys, bad units, out-of-range values and unknown strategy names.
ScenarioConfig load_scenario(const std::string& path, const StrategyCatalog& catalog);

}  // namespace moesim
