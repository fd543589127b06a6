#include "sim/compute_stream.h"

#include <algorithm>
#include <stdexcept>

namespace moesim {

Time ComputeStream::submit(Time duration, std::string_view label, std::function<void()> on_done) {
  if (duration < Time::zero()) throw std::logic_error("negative task duration");
  const Time start = std::max(sim_->now(), free_at_);
  const Time end = start + duration;
  free_at_ = end;
  busy_ += duration;
  if (spans_ != nullptr && spans_->connected()) {
    spans_->emit(TaskSpan{device_, index_, label, start, end});
  }
  if (on_done) sim_->schedule_at(end, Phase::kCompletion, std::move(on_done));
  return end;
}

ComputeDevice::ComputeDevice(Simulator& sim, uint32_t id, std::string name,
                             const std::vector<std::string>& stream_names,
                             const Signal<TaskSpan>* spans)
    : id_(id), name_(std::move(name)) {
  if (stream_names.empty()) throw std::invalid_argument("a device needs at least one stream");
  streams_.reserve(stream_names.size());
  for (uint32_t i = 0; i < stream_names.size(); ++i) {
    streams_.emplace_back(sim, id, i, stream_names[i], spans);
  }
}

}  // namespace moesim
