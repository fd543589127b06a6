#pragma once
/// Reads the `routing:` block of a scenario: the generator's name and its parameters
/// (docs/scenario.md lists them; `moesim list routing` prints them from the catalogue).

#include "models/scenario_config.h"
#include "models/strategy_catalog.h"
#include "sim/config/yaml_map.h"

namespace moesim {

/// Fills cfg.routing and cfg.routing_params. Needs cfg.model (the shape the calibrated
/// generator is checked against). Errors are ConfigErrors with the file, line and key.
void load_routing(YamlMap routing, ScenarioConfig& cfg, const StrategyCatalog& catalog);

}  // namespace moesim
