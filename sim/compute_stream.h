#pragma once
/// Compute resources: devices with several FIFO streams that run concurrently.
///
/// A stream runs its tasks one after another in submission order (as a CUDA stream does); the
/// streams of one device (compute, copy engines) run side by side. How long a task takes is
/// decided by a cost model before submission: the stream only orders the work.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/signal.h"
#include "sim/simulator.h"

namespace moesim {

/// One executed task, emitted when the task is submitted (its span is known then).
/// `label` is valid only during the emit call.
struct TaskSpan {
  uint32_t device;
  uint32_t stream;
  std::string_view label;
  Time start;
  Time end;
};

class ComputeStream {
 public:
  ComputeStream(Simulator& sim, uint32_t device, uint32_t index, std::string name,
                const Signal<TaskSpan>* spans)
      : sim_(&sim), device_(device), index_(index), name_(std::move(name)), spans_(spans) {}

  /// Queues a task of `duration`; `on_done` runs (Phase::kCompletion) when it finishes.
  /// Returns the finish time.
  Time submit(Time duration, std::string_view label, std::function<void()> on_done = {});

  const std::string& name() const { return name_; }
  /// Sum of task durations so far (busy time).
  Time busy() const { return busy_; }
  /// When the last queued task finishes.
  Time free_at() const { return free_at_; }

 private:
  Simulator* sim_;
  uint32_t device_;
  uint32_t index_;
  std::string name_;
  const Signal<TaskSpan>* spans_;
  Time free_at_ = Time::zero();
  Time busy_ = Time::zero();
};

/// A device (GPU or CPU socket) with named streams.
class ComputeDevice {
 public:
  ComputeDevice(Simulator& sim, uint32_t id, std::string name,
                const std::vector<std::string>& stream_names, const Signal<TaskSpan>* spans);

  uint32_t id() const { return id_; }
  const std::string& name() const { return name_; }
  ComputeStream& stream(size_t i) { return streams_.at(i); }
  const ComputeStream& stream(size_t i) const { return streams_.at(i); }
  size_t stream_count() const { return streams_.size(); }

 private:
  uint32_t id_;
  std::string name_;
  std::vector<ComputeStream> streams_;
};

}  // namespace moesim
