#pragma once
/// Synthetic workloads: an arrival process and two length distributions, seeded by name.

#include <cstdint>
#include <vector>

#include "sim/rng.h"
#include "traces/workload/arrival_times.h"
#include "traces/workload/length_spec.h"
#include "traces/workload/workload_request.h"

namespace moesim {

struct WorkloadSpec {
  ArrivalSpec arrival;
  uint64_t requests = 0;  ///< how many requests, >= 1
  LengthSpec input;       ///< prompt lengths
  LengthSpec output;      ///< generated lengths
};

/// Requests 0 .. requests-1 in arrival order. Arrival gaps draw from the stream
/// "workload.arrival", input lengths from "workload.input", output lengths from
/// "workload.output", so changing one distribution never shifts the draws of another.
/// Throws ConfigError for zero requests or a bad arrival rate.
std::vector<WorkloadRequest> generate_workload(const WorkloadSpec& spec, RngStreams& streams);

}  // namespace moesim
