#include "cli/app/serving_trace_writer.h"

#include <algorithm>

#include <fmt/format.h>

namespace moesim {

ServingTraceWriter::ServingTraceWriter(ServingSimulation& sim, std::ostream& out,
                                       uint64_t max_iterations)
    : trace_(out), ranks_(sim.ranks()), stages_(sim.pipeline_stages()), remaining_(max_iterations) {
  trace_.process(kPid, "ranks");
  for (size_t r = 0; r < ranks_; ++r) {
    for (size_t s = 0; s < stages_; ++s) {
      trace_.lane(kPid, compute_lane(r, s),
                  stages_ == 1 ? fmt::format("rank {} compute", r)
                               : fmt::format("rank {} stage {} compute", r, s));
    }
    trace_.lane(kPid, communication_lane(r), fmt::format("rank {} communication", r));
  }
  sim.iteration_started.connect([this](const IterationRecord& it) { write(it); });
}

uint32_t ServingTraceWriter::compute_lane(size_t rank, size_t stage) const {
  return static_cast<uint32_t>(rank * (stages_ + 1) + 1 + stage);
}

uint32_t ServingTraceWriter::communication_lane(size_t rank) const {
  return compute_lane(rank, stages_);
}

void ServingTraceWriter::write_overlap(const IterationRecord& it) {
  if (!overlap_lanes_) {
    trace_.process(kOverlapPid, "two-batch overlap (critical path)");
    trace_.lane(kOverlapPid, 1, "compute");
    trace_.lane(kOverlapPid, 2, "communication");
    overlap_lanes_ = true;
  }
  for (const OverlapSpan& s : it.cost.overlap_spans) {
    const std::string name =
        fmt::format("{} {} (layer {})", to_string(s.op), s.micro_batch == 0 ? "A" : "B", s.layer);
    trace_.span(kOverlapPid, s.communication() ? 2 : 1, name,
                s.communication() ? "communication" : "compute",
                it.start + Time::from_seconds_ceil(s.start_us * 1e-6),
                it.start + Time::from_seconds_ceil(s.end_us * 1e-6));
  }
}

void ServingTraceWriter::write(const IterationRecord& it) {
  if (remaining_ == 0) return;
  --remaining_;
  if (!it.cost.overlap_spans.empty()) write_overlap(it);
  const Time comm = Time::from_seconds_ceil(it.cost.communication_us * 1e-6);
  for (size_t r = 0; r < ranks_; ++r) {
    if (stages_ == 1) {
      const Time busy =
          std::min(Time::from_seconds_ceil(it.cost.rank_busy_us[r] * 1e-6), it.end - it.start);
      trace_.span(kPid, compute_lane(r, 0), "iteration", "compute", it.start, it.start + busy);
    } else {  // the window of each stage (per-rank busy time is not split by stage)
      for (size_t s = 0; s < stages_; ++s) {
        trace_.span(kPid, compute_lane(r, s), "stage", "compute", it.stages[s].first,
                    it.stages[s].second);
      }
    }
    if (comm > Time::zero()) {  // drawn at the end of the last stage's window
      const auto& [last_start, last_end] = it.stages.back();
      trace_.span(kPid, communication_lane(r), "dispatch+combine", "communication",
                  last_end - std::min(comm, last_end - last_start), last_end);
    }
  }
}

}  // namespace moesim
