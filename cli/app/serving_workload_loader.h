#pragma once
/// Reads the `workload:` block of a serving scenario: a request file (`requests`) or a closed
/// loop (`closed_loop`), exactly one of the two (docs/scenario.md, docs/serving.md).

#include <string>

#include "cli/app/scenario_config.h"
#include "sim/config/yaml_map.h"

namespace moesim {

/// Fills s.requests (the request file, resolved against the scenario's folder) or
/// s.closed_loop. Errors are ConfigErrors with the file, line and key. Leaves unknown keys of
/// `workload` to its caller's finish(); reports those inside `closed_loop` itself.
void load_serving_workload(YamlMap& workload, const std::string& scenario_path, ServingScenario& s);

}  // namespace moesim
