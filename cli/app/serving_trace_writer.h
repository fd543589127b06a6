#pragma once
/// Streams the Chrome trace of a serving run (trace.json, docs/serving.md): per rank a compute
/// lane (one per pipeline stage with pipeline parallelism) and a communication lane; with
/// two-batch overlap, a second process with the critical path's compute and communication
/// streams, every micro-batch's attention, experts, dispatch and combine per layer (drawn from
/// the iteration's start). Each
/// iteration's events are written when the simulation reports the iteration, so memory does
/// not grow with the run.

#include <cstdint>
#include <limits>
#include <ostream>

#include "models/engine/serving/serving_simulation.h"
#include "traces/chrome_trace_writer.h"

namespace moesim {

class ServingTraceWriter {
 public:
  static constexpr uint64_t kAllIterations = std::numeric_limits<uint64_t>::max();

  /// Writes the lanes of `sim`'s ranks to `out` and connects to its iterations; of those, only
  /// the first `max_iterations` have events in the trace. Create it before sim.run(); it and
  /// `out` must outlive the run.
  ServingTraceWriter(ServingSimulation& sim, std::ostream& out,
                     uint64_t max_iterations = kAllIterations);
  ServingTraceWriter(const ServingTraceWriter&) = delete;
  ServingTraceWriter& operator=(const ServingTraceWriter&) = delete;

  /// Ends the trace, after the run.
  void finish() { trace_.finish(); }

 private:
  void write(const IterationRecord& it);
  void write_overlap(const IterationRecord& it);
  /// Lanes of rank r: tid r * (stages + 1) + 1 + s for stage s's compute, then communication.
  uint32_t compute_lane(size_t rank, size_t stage) const;
  uint32_t communication_lane(size_t rank) const;

  ChromeTraceWriter trace_;
  static constexpr uint32_t kPid = 1;         ///< the ranks' process
  static constexpr uint32_t kOverlapPid = 2;  ///< the two-batch overlap streams
  bool overlap_lanes_ = false;
  size_t ranks_, stages_;
  uint64_t remaining_;  ///< iterations still to be written
};

}  // namespace moesim
