#pragma once
/// The outputs of a finished serving run (docs/serving.md): requests.csv, timeseries.csv,
/// layers.csv and summary.txt (trace.json is streamed during the run: serving_trace_writer.h).
/// Nothing here reads the wall clock, so equal runs give byte-identical files.

#include <string>

#include "cli/app/serving_run.h"

namespace moesim {

std::string format_serving_summary(const ServingRun& run);
std::string format_requests_csv(const ServingSimulation& sim);
std::string format_timeseries_csv(const ServingSimulation& sim);
std::string format_layers_csv(const ServingSimulation& sim);

}  // namespace moesim
