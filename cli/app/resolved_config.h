#pragma once
/// resolved.yaml: the scenario with every default filled in and the machine spelled out key by
/// key, quantities in base units; it loads again as the same scenario.

#include <string>

#include "cli/app/scenario_config.h"

namespace moesim {

std::string format_resolved_config(const ScenarioConfig& cfg);

}  // namespace moesim
