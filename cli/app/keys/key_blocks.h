#pragma once
/// The scenario key tables, one function per block of the scenario file, in the order
/// docs/scenario-keys.md lists them. ScenarioKeyRegistry (cli/app/scenario_keys.h) joins them.

#include <vector>

#include "cli/app/scenario_key.h"

namespace moesim::key_blocks {

std::vector<ScenarioKey> top_level_keys();  ///< name, seed, base, routing and the blocks
std::vector<ScenarioKey> model_keys();
std::vector<ScenarioKey> hardware_keys();
std::vector<ScenarioKey> workload_keys();
std::vector<ScenarioKey> serving_keys();
std::vector<ScenarioKey> strategy_section_keys();  ///< strategies, bounds
std::vector<ScenarioKey> sweep_and_plan_keys();

}  // namespace moesim::key_blocks
