#include "sim/simulator.h"

#include <stdexcept>

#include <fmt/format.h>

namespace moesim {

EventId Simulator::schedule_at(Time t, Phase phase, Callback fn) {
  if (t < now_) {
    throw std::logic_error(
        fmt::format("event scheduled in the past: {} < now {}", t.to_string(), now_.to_string()));
  }
  return queue_.push(t, phase, std::move(fn));
}

void Simulator::run() {
  run_until(Time::max());
}

void Simulator::run_until(Time limit) {
  stopped_ = false;
  while (!stopped_ && !queue_.empty() && queue_.next_time() <= limit) {
    auto [t, fn] = queue_.pop();
    now_ = t;
    ++events_processed_;
    if (fn) fn();
  }
  if (!stopped_ && limit != Time::max() && now_ < limit) now_ = limit;
}

}  // namespace moesim
