#pragma once
/// Reads `serving.weights` and `serving.host` (streamed weights, docs/serving.md "Streamed
/// weights") and refuses the serving options that streamed weights do not model.

#include "cli/app/scenario_config.h"
#include "sim/config/yaml_map.h"

namespace moesim {

/// Fills s.host for `weights: host` from the `host` block of `serving` (its CPU from
/// cfg.hardware, the host link from cfg.gpu). Call once the layout, cost model and
/// two_batch_overlap of `s` are read. Errors are ConfigErrors with the file, line and key.
void load_host_offload(YamlMap& serving, ServingScenario& s, const ScenarioConfig& cfg);

}  // namespace moesim
