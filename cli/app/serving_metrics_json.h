#pragma once
/// metrics.json of a serving run: latency distributions, throughput and the run read against
/// its hardware limit (serving_bound.h). Byte-identical for equal runs.

#include <string>

#include "cli/app/serving_bound.h"
#include "cli/app/serving_run.h"

namespace moesim {

std::string format_serving_metrics_json(const ServingRun& run, const RunBound& bound);

}  // namespace moesim
