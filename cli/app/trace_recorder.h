#pragma once
/// Subscribes to a layer simulation's signals and records a Chrome trace: one lane per GPU
/// stream, one async track per link class, and a lane with the layer's stages.

#include "cli/app/layer_simulation.h"
#include "traces/chrome_trace.h"

namespace moesim {

class TraceRecorder {
 public:
  /// Connects to the simulation's signals; must be created before sim.run().
  explicit TraceRecorder(LayerSimulation& sim);

  const ChromeTrace& trace() const { return trace_; }

 private:
  ChromeTrace trace_;
  uint32_t gpu_pid_ = 0;
  uint32_t network_pid_ = 0;
  uint32_t layer_pid_ = 0;
  uint32_t stage_lane_ = 0;
  std::vector<std::vector<uint32_t>> lanes_;  // [device][stream] -> tid
};

}  // namespace moesim
