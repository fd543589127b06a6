#pragma once
/// Formats a finished layer simulation: the human summary (summary.txt and stdout), the
/// machine-readable metrics (metrics.json) and the resolved configuration (resolved.yaml).
/// Nothing here reads the wall clock, so equal runs give byte-identical files.

#include <string>

#include "models/layer_simulation.h"

namespace moesim {

std::string format_summary(const LayerSimulation& sim);
std::string format_metrics_json(const LayerSimulation& sim);
/// The scenario with every default filled in, plus the version; reloadable as a scenario.
std::string format_resolved_config(const ScenarioConfig& cfg);

}  // namespace moesim
