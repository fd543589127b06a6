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

/// Requests 0 .. count-1 with their lengths only (every arrival 0): input lengths from the
/// stream "workload.input", output lengths from "workload.output", request after request. A
/// closed-loop workload (closed_loop_spec.h) draws its lengths here, so for the same seed and
/// length specs it gets the lengths that generate_workload gives.
std::vector<WorkloadRequest> generate_lengths(uint64_t count, const LengthSpec& input,
                                              const LengthSpec& output, RngStreams& streams);

/// Requests 0 .. requests-1 in arrival order. Arrival gaps draw from the stream
/// "workload.arrival", input lengths from "workload.input", output lengths from
/// "workload.output", so changing one distribution never shifts the draws of another.
/// Throws ConfigError for zero requests or a bad arrival rate.
std::vector<WorkloadRequest> generate_workload(const WorkloadSpec& spec, RngStreams& streams);

}  // namespace moesim
