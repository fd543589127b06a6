#pragma once
/// The discrete-event simulator: clock, event queue and random streams of one run.
///
/// A plain object with no globals: two Simulators in one process are independent.

#include <cstdint>
#include <functional>

#include "sim/event_queue.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace moesim {

class Simulator {
 public:
  using Callback = EventQueue::Callback;

  explicit Simulator(uint64_t seed = 0) : rng_(seed) {}
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return now_; }

  /// Schedules `fn` at absolute time `t` (>= now). Throws std::logic_error for the past.
  EventId schedule_at(Time t, Phase phase, Callback fn);

  /// Schedules `fn` after `delay` (>= 0).
  EventId schedule_in(Time delay, Phase phase, Callback fn) {
    return schedule_at(now_ + delay, phase, std::move(fn));
  }

  bool cancel(EventId id) { return queue_.cancel(id); }

  /// Runs events until the queue is empty or stop() is called.
  void run();

  /// Runs events with time <= `limit`, then sets the clock to `limit` if it is later.
  void run_until(Time limit);

  /// Makes run() return after the current event.
  void stop() { stopped_ = true; }

  bool idle() const { return queue_.empty(); }
  uint64_t events_processed() const { return events_processed_; }
  RngStreams& rng() { return rng_; }

 private:
  EventQueue queue_;
  RngStreams rng_;
  Time now_ = Time::zero();
  uint64_t events_processed_ = 0;
  bool stopped_ = false;
};

}  // namespace moesim
