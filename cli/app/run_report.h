#pragma once
/// Formats a finished layer simulation: the human summary (summary.txt and stdout) and the
/// machine-readable metrics (metrics.json). cli/app/resolved_config.h writes resolved.yaml.
/// Nothing here reads the wall clock, so equal runs give byte-identical files.

#include <string>

#include "cli/app/layer_simulation.h"

namespace moesim {

std::string format_summary(const LayerSimulation& sim);
std::string format_metrics_json(const LayerSimulation& sim);

}  // namespace moesim
