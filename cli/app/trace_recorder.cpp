#include "cli/app/trace_recorder.h"

#include <fmt/format.h>

namespace moesim {

TraceRecorder::TraceRecorder(LayerSimulation& sim) {
  layer_pid_ = trace_.add_process("Layer");
  stage_lane_ = trace_.add_lane(layer_pid_, "stages");
  gpu_pid_ = trace_.add_process("GPUs");
  for (const ComputeDevice& d : sim.gpus()) {
    std::vector<uint32_t> streams;
    for (size_t s = 0; s < d.stream_count(); ++s) {
      streams.push_back(trace_.add_lane(gpu_pid_, d.name() + "/" + d.stream(s).name()));
    }
    lanes_.push_back(std::move(streams));
  }
  network_pid_ = trace_.add_process("Network");

  sim.task_spans.connect([this](const TaskSpan& t) {
    trace_.add_span(gpu_pid_, lanes_[t.device][t.stream], std::string(t.label), "compute", t.start,
                    t.end);
  });
  sim.forward().stage_finished.connect([this](const StageSpan& s) {
    trace_.add_span(layer_pid_, stage_lane_, std::string(to_string(s.stage)), "stage", s.start,
                    s.end);
  });
  const NetworkModel& net = sim.network();
  sim.network().flow_finished.connect([this, &net](const FlowRecord& f) {
    const char* kind = f.tag.kind == kDispatchFlow ? "dispatch" : "combine";
    const std::string args = fmt::format(R"({{"src":{},"dst":{},"bytes":{},"kind":"{}"}})",
                                         f.tag.src, f.tag.dst, f.bytes, kind);
    // One span per link class the flow crosses, so each class gets its own track.
    std::vector<const std::string*> seen;
    for (const LinkId l : *f.path) {
      const std::string& cls = net.link(l).link_class;
      bool dup = false;
      for (const auto* s : seen) dup = dup || *s == cls;
      if (dup) continue;
      seen.push_back(&cls);
      trace_.add_async(network_pid_, cls, kind, f.created, f.finished, args);
    }
  });
}

}  // namespace moesim
